package io.greenlang.messaging.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script run with {@code EVALSHA}, falling back to {@code EVAL} (which also loads it) when the server
 * answers {@code NOSCRIPT}, for example after a restart or on a cluster node that has not seen it yet.
 * Every script touches only keys of one topic, which share a hash tag, so it is legal in Redis Cluster.
 */
final class Script {
    /**
     * Schedules a failed record for another attempt, if this member still holds it: adds it to the delay set
     * (score = the time it is due, epoch ms by the client's clock) and acknowledges it. KEYS: source stream,
     * delay set. ARGV: group, consumer, entry id, due time, member, whether to delete the source entry (1 for
     * the retry stream). Client time rather than {@code TIME}, so that an ACL user needs no server commands.
     */
    static final Script RETRY = new Script("retry", """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
            if #p == 0 then return 0 end
            redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
            if ARGV[6] == '1' then redis.call('XDEL', KEYS[1], ARGV[3]) end
            return 1
            """);

    /**
     * Dead-letters a record, if this member still holds it: adds the dead letter and acknowledges the
     * record. KEYS: source stream, dead-letter stream. ARGV: group, consumer, entry id, delete flag, then the
     * dead letter's fields and values.
     */
    static final Script DEAD_LETTER = new Script("dead-letter", """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
            if #p == 0 then return 0 end
            redis.call('XADD', KEYS[2], '*', unpack(ARGV, 5))
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
            if ARGV[4] == '1' then redis.call('XDEL', KEYS[1], ARGV[3]) end
            return 1
            """);

    /**
     * Hands a record back to its group at once, keeping its attempt number: copies it to the group's retry
     * stream and acknowledges the original, if this member still holds it. KEYS: source stream, retry stream.
     * ARGV: group, consumer, entry id, delete flag, MINID threshold, envelope, attempt, original position,
     * first failure (empty if none).
     */
    static final Script REQUEUE = new Script("requeue", """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
            if #p == 0 then return 0 end
            redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[5], '*', 'm', ARGV[6], 'a', ARGV[7], 'p', ARGV[8], 'f', ARGV[9])
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
            if ARGV[4] == '1' then redis.call('XDEL', KEYS[1], ARGV[3]) end
            return 1
            """);

    /**
     * Moves retries that are due from the delay set to the retry stream. KEYS: delay set, retry stream. ARGV:
     * how many at most, MINID threshold, now (epoch ms, the client's clock). Returns how many moved.
     */
    static final Script MOVE_DUE = new Script("move-due", """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[1]))
            for _, member in ipairs(due) do
              local s1 = string.find(member, '|', 1, true)
              local s2 = string.find(member, '|', s1 + 1, true)
              local s3 = string.find(member, '|', s2 + 1, true)
              redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'm', string.sub(member, s3 + 1),
                'a', string.sub(member, 1, s1 - 1), 'f', string.sub(member, s1 + 1, s2 - 1),
                'p', string.sub(member, s2 + 1, s3 - 1))
              redis.call('ZREM', KEYS[1], member)
            end
            return #due
            """);

    /**
     * Resets the idle time of entries this member holds (XCLAIM JUSTID, which does not count a delivery), so
     * that no other member claims them. KEYS: stream. ARGV: group, consumer, entry ids. Returns 1 per entry
     * still held, 0 per entry lost.
     */
    static final Script EXTEND = new Script("extend", """
            local r = {}
            for i = 3, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
              if #p == 0 then
                r[#r + 1] = 0
              else
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
                r[#r + 1] = 1
              end
            end
            return r
            """);

    /**
     * Records hand-overs to a handler in the group's pending list: the delivery count of each entry this member
     * still holds is set to the given value ({@code XCLAIM ... RETRYCOUNT n JUSTID}, which also resets its idle
     * time). The delivery count is 1 for an entry read and never handed over, plus one per hand-over, so that a
     * member taking an entry over knows its attempt (see {@link io.greenlang.messaging.spi.runtime.HandOvers}).
     * KEYS: stream. ARGV: group, consumer, then pairs of entry id and count. Returns 1 per entry still held, 0 per
     * entry lost.
     */
    static final Script MARK = new Script("mark", """
            local r = {}
            for i = 3, #ARGV, 2 do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
              if #p == 0 then
                r[#r + 1] = 0
              else
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'RETRYCOUNT', ARGV[i + 1], 'JUSTID')
                r[#r + 1] = 1
              end
            end
            return r
            """);

    /**
     * Claims entries idle at least the lease from the other members of the group, never from this one (a handler
     * of this member that outlived the lease still holds its entry: it goes to another member), keeping their
     * delivery counts (which count hand-overs, see {@link #MARK}). Scans the pending list from a cursor, like
     * {@code XAUTOCLAIM}. KEYS: stream. ARGV: group, consumer, min idle ms, start ({@code -} or {@code (id}),
     * count. Returns {next start or empty when the scan is complete, {{id, {field, value...}, count}...}}; an entry
     * deleted meanwhile comes with no fields.
     */
    static final Script CLAIM = new Script("claim", """
            local n = tonumber(ARGV[5])
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], ARGV[4], '+', n)
            local out = {}
            for _, e in ipairs(p) do
              if e[2] ~= ARGV[2] then
                local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], e[1], 'RETRYCOUNT', e[4])
                local fields = {}
                if c[1] and c[1][2] then fields = c[1][2] end
                out[#out + 1] = {e[1], fields, e[4]}
              end
            end
            local nextStart = ''
            if #p >= n then nextStart = '(' .. p[#p][1] end
            return {nextStart, out}
            """);

    /**
     * Deletes the consumer from the group on every stream, but only if it holds no pending entry on any.
     * KEYS: the streams. ARGV: group, consumer. Returns 1 if deleted.
     */
    static final Script LEAVE = new Script("leave", """
            for i = 1, #KEYS do
              local p = redis.pcall('XPENDING', KEYS[i], ARGV[1], '-', '+', 1, ARGV[2])
              if type(p) == 'table' and p.err == nil and #p > 0 then return 0 end
            end
            for i = 1, #KEYS do redis.pcall('XGROUP', 'DELCONSUMER', KEYS[i], ARGV[1], ARGV[2]) end
            return 1
            """);

    /**
     * Replays dead letters to their group's retry stream as first attempts and removes them. KEYS: dead-letter
     * stream, retry stream. ARGV: 'id' and an entry id, or 'max' and a count; MINID threshold. Returns how
     * many were replayed.
     */
    static final Script REPLAY = new Script("replay", """
            local entries
            if ARGV[1] == 'id' then
              entries = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
            else
              entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[2]))
            end
            local n = 0
            for _, e in ipairs(entries) do
              local f = e[2]
              local m, p
              for i = 1, #f, 2 do
                if f[i] == 'm' then m = f[i + 1] elseif f[i] == 'p' then p = f[i + 1] end
              end
              if m then
                redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[3], '*', 'm', m, 'a', '1', 'p', p or '', 'f', '')
                redis.call('XDEL', KEYS[1], e[1])
                n = n + 1
              end
            end
            return n
            """);

    /**
     * Appends to a band stream only if the topic's version, the sum of {@code entries-added} (every entry ever
     * added, trimmed ones included) over its three band streams, is the expected one. KEYS: the band streams
     * 0, 1, 2. ARGV: expected version, band index (1 to 3), trim keyword (MINID, MAXLEN or empty), trim
     * threshold, envelope. Returns {1, entry id} or {0, actual version}.
     */
    static final Script APPEND_IF_VERSION = new Script("append-if-version", """
            local version = 0
            for i = 1, 3 do
              local info = redis.pcall('XINFO', 'STREAM', KEYS[i])
              if type(info) == 'table' and info.err == nil then
                for j = 1, #info, 2 do
                  if info[j] == 'entries-added' then
                    version = version + tonumber(info[j + 1])
                    break
                  end
                end
              end
            end
            if version ~= tonumber(ARGV[1]) then return {0, tostring(version)} end
            local target = KEYS[tonumber(ARGV[2])]
            local id
            if ARGV[3] == '' then
              id = redis.call('XADD', target, '*', 'm', ARGV[5])
            else
              id = redis.call('XADD', target, ARGV[3], '~', ARGV[4], '*', 'm', ARGV[5])
            end
            return {1, id}
            """);

    /** Counts and deletes a dead-letter stream. KEYS: the stream. Returns how many entries it had. */
    static final Script PURGE = new Script("purge", """
            local n = redis.call('XLEN', KEYS[1])
            redis.call('DEL', KEYS[1])
            return n
            """);

    private final String name;
    private final byte[] source;
    private final String sha;

    private Script(String name, String source) {
        this.name = name;
        this.source = source.getBytes(StandardCharsets.UTF_8);
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    String name() {
        return name;
    }

    /** Runs the script: EVALSHA, and EVAL if the server does not have it. */
    <T> CompletableFuture<T> run(RedisClusterAsyncCommands<byte[], byte[]> commands, ScriptOutputType type,
            byte[][] keys, byte[]... args) {
        CompletableFuture<T> sha = commands.<T>evalsha(this.sha, type, keys, args).toCompletableFuture();
        return sha.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            if (RedisErrors.unwrap(failure) instanceof RedisNoScriptException) {
                return commands.<T>eval(source, type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(RedisErrors.unwrap(failure));
        }).thenCompose(f -> f);
    }

    @Override
    public String toString() {
        return "Script{" + name + "}";
    }
}

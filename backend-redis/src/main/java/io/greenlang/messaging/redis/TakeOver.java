package io.greenlang.messaging.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over entries of members that died or hang: every half lease, claims the entries idle longer than the lease
 * from the other members of the group (script {@link Script#CLAIM}: never its own, whose handler still holds them
 * past the lease), keeping their delivery counts, which count hand-overs ({@link HandOverMarks}). The scan of a
 * pending list goes {@code max} entries a poll, from a cursor per stream; while one is unfinished, the next poll goes
 * on with it. Claimed entries go to the front of their bands in the buffer. Used by the poller only.
 */
final class TakeOver {
    private static final Logger LOG = LoggerFactory.getLogger(TakeOver.class);

    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final GroupMembership member;
    private final Replies replies;
    private final EntryDecoder decoder;
    private final FetchBuffer buffer;
    private final long leaseNanos;
    private final String[] cursor = new String[FetchBuffer.STREAMS];
    private long nextClaimNanos;

    TakeOver(RedisBroker broker, GroupMembership member, Replies replies, EntryDecoder decoder, FetchBuffer buffer,
            Duration lease) {
        this.commands = broker.commands();
        this.member = member;
        this.replies = replies;
        this.decoder = decoder;
        this.buffer = buffer;
        this.leaseNanos = lease.toNanos();
        Arrays.fill(cursor, "-");
    }

    /**
     * Claims idle entries if half a lease has passed since the last complete scan (or the last scan is unfinished).
     *
     * @throws io.greenlang.messaging.MessagingException if Redis refused or did not answer
     */
    void claimIfDue(int max) throws InterruptedException {
        if (System.nanoTime() - nextClaimNanos >= 0) {
            boolean scanned = claimIdle(max);
            nextClaimNanos = System.nanoTime() + (scanned ? leaseNanos / 2 : 0);
        }
    }

    /**
     * Claims entries idle longer than the lease from the other members; returns whether the scan of every pending
     * list is complete (if not, the next poll continues it).
     */
    private boolean claimIdle(int max) throws InterruptedException {
        byte[] leaseMillis = Fields.bytes(Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leaseNanos))));
        byte[] count = Fields.bytes(Integer.toString(max));
        List<CompletableFuture<List<Object>>> claims = new ArrayList<>();
        for (int s = 0; s <= GroupMembership.RETRY; s++) {
            claims.add(Script.CLAIM.run(commands, ScriptOutputType.MULTI, new byte[][] {member.stream(s)},
                    member.group(), member.consumer(), leaseMillis, Fields.bytes(cursor[s]), count));
        }
        String what = "claim entries idle longer than the lease in group '" + member.groupName() + "'";
        boolean complete = true;
        for (int s = 0; s <= GroupMembership.RETRY; s++) {
            Claimed claimed = Claimed.of(member.stream(s), replies.await(claims.get(s), what));
            cursor[s] = claimed.next().isEmpty() ? "-" : claimed.next();
            complete &= claimed.next().isEmpty();
            if (!claimed.entries().isEmpty()) {
                LOG.debug("{} claimed {} entries of {} idle longer than the lease", member.consumerName(),
                        claimed.entries().size(), Keys.string(member.stream(s)));
                adopt(s, claimed);
            }
        }
        return complete;
    }

    /** Buffers claimed entries at the front of their bands. */
    private void adopt(int stream, Claimed claimed) {
        List<Handle> adopted = new ArrayList<>();
        for (int i = 0; i < claimed.entries().size(); i++) {
            Handle h = decoder.decode(stream, claimed.entries().get(i), Math.max(1, claimed.deliveries().get(i)));
            if (h != null) {
                adopted.add(h);
            }
        }
        buffer.addFirst(adopted);
    }

    /**
     * The reply of {@link Script#CLAIM} for one stream.
     *
     * @param next where the scan goes on: {@code (id}, or empty when it is complete
     * @param entries the claimed entries; one deleted meanwhile has no fields
     * @param deliveries the delivery count of each entry in the pending list
     */
    record Claimed(String next, List<StreamMessage<byte[], byte[]>> entries, List<Long> deliveries) {
        /** Reads {@code {next, {{id, {field, value...}, delivery count}...}}}. */
        static Claimed of(byte[] stream, List<Object> reply) {
            String next = new String((byte[]) reply.get(0), StandardCharsets.UTF_8);
            List<StreamMessage<byte[], byte[]>> entries = new ArrayList<>();
            List<Long> deliveries = new ArrayList<>();
            for (Object o : (List<?>) reply.get(1)) {
                List<?> e = (List<?>) o;
                String id = new String((byte[]) e.get(0), StandardCharsets.UTF_8);
                List<?> flat = (List<?>) e.get(1);
                Map<byte[], byte[]> body = new LinkedHashMap<>();
                for (int i = 0; i + 1 < flat.size(); i += 2) {
                    body.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
                }
                entries.add(new StreamMessage<>(stream, id, body));
                deliveries.add((Long) e.get(2));
            }
            return new Claimed(next, entries, deliveries);
        }
    }
}

package io.greenlang.messaging.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-reads this member's own pending entries ({@code XREADGROUP ... 0}) at start and after a connection loss or a
 * re-created group: entries it took before a crash, or whose reply was lost. They go to the front of their bands,
 * with attempt numbers from the delivery counts Redis keeps; entries it still holds (buffered, or handed out and not
 * settled) are not taken twice. Pages of {@code max} entries, one page a poll, until every stream is done. Used by
 * the poller only.
 */
final class PendingRecovery {
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final RedisClusterAsyncCommands<byte[], byte[]> reader;
    private final GroupMembership member;
    private final Replies replies;
    private final EntryDecoder decoder;
    private final FetchBuffer buffer;
    private final Map<String, Handle> outstanding;
    private boolean needed = true;
    /** Per stream: the last id re-read, or {@code null} once the stream is done. */
    private final String[] cursor = new String[FetchBuffer.STREAMS];

    /**
     * @param reader the member's reading connection
     * @param outstanding the entries handed out and not settled yet, by {@link Handle#key}, kept by the source
     */
    PendingRecovery(RedisBroker broker, RedisClusterAsyncCommands<byte[], byte[]> reader, GroupMembership member,
            Replies replies, EntryDecoder decoder, FetchBuffer buffer, Map<String, Handle> outstanding) {
        this.commands = broker.commands();
        this.reader = reader;
        this.member = member;
        this.replies = replies;
        this.decoder = decoder;
        this.buffer = buffer;
        this.outstanding = outstanding;
        Arrays.fill(cursor, "0-0");
    }

    /** Asks for a recovery at the next poll: the connection was lost, or the group re-created. */
    void restart() {
        needed = true;
    }

    /**
     * Re-reads the next page of this member's own pending entries, if a recovery is under way.
     *
     * @throws io.greenlang.messaging.MessagingException if Redis refused or did not answer
     */
    void recoverIfNeeded(int max) throws InterruptedException {
        if (needed) {
            recover(max);
        }
    }

    /** Re-reads this member's own pending entries, page by page, skipping those it holds already. */
    private void recover(int max) throws InterruptedException {
        List<Integer> open = new ArrayList<>();
        for (int s = 0; s <= GroupMembership.RETRY; s++) {
            if (cursor[s] != null) {
                open.add(s);
            }
        }
        if (open.isEmpty()) {
            finish();
            return;
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        XReadArgs.StreamOffset<byte[]>[] offsets = new XReadArgs.StreamOffset[open.size()];
        for (int i = 0; i < open.size(); i++) {
            offsets[i] = XReadArgs.StreamOffset.from(member.stream(open.get(i)), cursor[open.get(i)]);
        }
        String what = "recover the pending entries of " + member.consumerName() + " in group '" + member.groupName()
                + "'";
        List<StreamMessage<byte[], byte[]>> got = replies.awaitRead(reader.xreadgroup(
                Consumer.from(member.group(), member.consumer()), XReadArgs.Builder.count(max), offsets)
                .toCompletableFuture(), 0, what);
        Map<Integer, List<StreamMessage<byte[], byte[]>>> byStream = new HashMap<>();
        for (StreamMessage<byte[], byte[]> m : got) {
            byStream.computeIfAbsent(member.streamIndex(m.getStream()), k -> new ArrayList<>()).add(m);
        }
        for (int s : open) {
            List<StreamMessage<byte[], byte[]>> entries = byStream.getOrDefault(s, List.of());
            if (entries.size() < max) {
                cursor[s] = null;
            }
            if (!entries.isEmpty()) {
                cursor[s] = cursor[s] == null ? null : entries.get(entries.size() - 1).getId();
                adopt(s, entries, what);
            }
        }
        boolean done = true;
        for (String c : cursor) {
            done &= c == null;
        }
        if (done) {
            finish();
        }
    }

    private void finish() {
        needed = false;
        Arrays.fill(cursor, "0-0");
    }

    /**
     * Buffers re-read entries, with attempt numbers from the delivery counts Redis keeps (less the one the re-read
     * itself added); deleted entries are acknowledged away.
     */
    private void adopt(int stream, List<StreamMessage<byte[], byte[]>> entries, String what)
            throws InterruptedException {
        String first = entries.get(0).getId();
        String last = entries.get(entries.size() - 1).getId();
        List<PendingMessage> pending = replies.await(commands.xpending(member.stream(stream),
                Consumer.from(member.group(), member.consumer()), Range.create(first, last),
                Limit.from((long) entries.size() + outstanding.size() + buffer.size() + 16)).toCompletableFuture(),
                what);
        Map<String, Long> counts = new HashMap<>();
        for (PendingMessage p : pending) {
            counts.put(p.getId(), p.getRedeliveryCount());
        }
        List<Handle> adopted = new ArrayList<>();
        Map<String, Handle> held = new HashMap<>();
        buffer.forEach(h -> held.put(h.key, h));
        for (StreamMessage<byte[], byte[]> m : entries) {
            String key = stream + ":" + m.getId();
            Handle existing = held.get(key);
            if (existing != null) {
                existing.fetchedNanos = System.nanoTime();
                continue;
            }
            if (outstanding.containsKey(key)) {
                continue; // handed out and not settled yet: a re-read after a reconnect, not a lost lease
            }
            Handle h = decoder.decode(stream, m, Math.max(1, counts.getOrDefault(m.getId(), 2L) - 1));
            if (h != null) {
                adopted.add(h);
            }
        }
        buffer.addFirst(adopted);
    }
}

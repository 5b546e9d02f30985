package io.greenlang.messaging.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads new entries for one member ({@code XREADGROUP GROUP g c COUNT n STREAMS ... >}) on its own connection into
 * its {@link FetchBuffer}: each stream as much as the buffer plans for the next {@code max} hand-outs (streams with
 * the same count share one command; the commands of one read are pipelined, one round trip). Only when nothing is
 * buffered and no stream is known to hold more does it read every stream with {@code COUNT max} and {@code BLOCK}.
 * When a stream came back full (a backlog), the next read can be sent ahead without waiting, and its reply taken by
 * the next poll: Redis serves one batch while the runtime hands out the previous one. Entries of the retry stream go
 * to the front of their bands. Used by the poller only.
 */
final class BandReader {
    /** Streams in the order a read names them: the retry stream, then the bands, highest first. */
    private static final int[] READ_ORDER = {GroupMembership.RETRY, 2, 1, 0};

    private final RedisBroker broker;
    private final RedisClusterAsyncCommands<byte[], byte[]> reader;
    private final GroupMembership member;
    private final Replies replies;
    private final EntryDecoder decoder;
    private final FetchBuffer buffer;
    private Read readAhead;

    /** @param reader the member's reading connection, where a blocking read waits without holding up anyone else */
    BandReader(RedisBroker broker, RedisClusterAsyncCommands<byte[], byte[]> reader, GroupMembership member,
            Replies replies, EntryDecoder decoder, FetchBuffer buffer) {
        this.broker = broker;
        this.reader = reader;
        this.member = member;
        this.replies = replies;
        this.decoder = decoder;
        this.buffer = buffer;
    }

    /**
     * Reads new entries: what the buffer plans for the next {@code max} hand-outs, without blocking; then, if nothing
     * is buffered and no stream is known to hold more, every stream, blocking up to {@code timeout}.
     *
     * @throws io.greenlang.messaging.MessagingException if Redis refused or did not answer
     */
    void read(int max, Duration timeout) throws InterruptedException {
        if (!buffer.isEmpty() || buffer.mayHoldMore()) {
            int[] counts = buffer.readCounts(max);
            if (anyPositive(counts)) {
                collect(send(counts, 0), 0);
            }
        }
        if (buffer.isEmpty() && !buffer.mayHoldMore()) {
            long blockMillis = 0;
            if (!timeout.isZero()) {
                blockMillis = Math.max(1, Math.min(timeout.toMillis(), broker.settings().blockTimeout().toMillis()));
            }
            int[] counts = new int[FetchBuffer.STREAMS];
            Arrays.fill(counts, max);
            collect(send(counts, blockMillis), blockMillis);
        }
    }

    /**
     * Sends the next read without waiting when a stream came back full (a backlog is waiting) and the buffer lacks
     * some of what the next poll may hand out; {@link #collectReadAhead} takes its reply.
     */
    void readAheadIfBacklogged(int max) {
        if (readAhead == null && buffer.mayHoldMore()) {
            int[] counts = buffer.readCounts(max);
            if (anyPositive(counts)) {
                readAhead = send(counts, 0);
            }
        }
    }

    /**
     * Buffers what the read sent ahead got, if one was sent; returns how many entries that was.
     *
     * @throws io.greenlang.messaging.MessagingException if Redis refused or did not answer; the entries it took stay
     *     pending for this member
     */
    int collectReadAhead() throws InterruptedException {
        if (readAhead == null) {
            return 0;
        }
        Read pending = readAhead;
        readAhead = null;
        return collect(pending, 0);
    }

    /**
     * Sends one read: an {@code XREADGROUP} per distinct count, naming the streams to read that many of, pipelined;
     * blocking (then all counts must be equal, one command) when {@code blockMillis} is positive.
     */
    private Read send(int[] counts, long blockMillis) {
        Map<Integer, List<XReadArgs.StreamOffset<byte[]>>> byCount = new LinkedHashMap<>();
        for (int s : READ_ORDER) {
            if (counts[s] > 0) {
                byCount.computeIfAbsent(counts[s], c -> new ArrayList<>())
                        .add(XReadArgs.StreamOffset.lastConsumed(member.stream(s)));
            }
        }
        List<CompletableFuture<List<StreamMessage<byte[], byte[]>>>> parts = new ArrayList<>(byCount.size());
        byCount.forEach((count, offsets) -> {
            XReadArgs args = XReadArgs.Builder.count(count);
            if (blockMillis > 0) {
                args.block(blockMillis);
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            XReadArgs.StreamOffset<byte[]>[] array = offsets.toArray(new XReadArgs.StreamOffset[0]);
            parts.add(reader.xreadgroup(Consumer.from(member.group(), member.consumer()), args, array)
                    .toCompletableFuture());
        });
        CompletableFuture<List<StreamMessage<byte[], byte[]>>> all = CompletableFuture
                .allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    List<StreamMessage<byte[], byte[]>> got = new ArrayList<>();
                    parts.forEach(r -> got.addAll(r.join()));
                    return got;
                });
        return new Read(all, counts.clone());
    }

    private static boolean anyPositive(int[] counts) {
        for (int c : counts) {
            if (c > 0) {
                return true;
            }
        }
        return false;
    }

    /** Waits for a read's reply and buffers it; returns how many entries it got. */
    private int collect(Read read, long blockMillis) throws InterruptedException {
        String what = "read topic '" + member.topic() + "' for group '" + member.groupName() + "'";
        List<StreamMessage<byte[], byte[]>> got = replies.awaitRead(read.reply, blockMillis, what);
        int[] perStream = new int[FetchBuffer.STREAMS];
        List<Handle> retries = new ArrayList<>();
        for (StreamMessage<byte[], byte[]> m : got) {
            int stream = member.streamIndex(m.getStream());
            perStream[stream]++;
            Handle h = decoder.decode(stream, m, 1);
            if (h == null) {
                continue;
            }
            if (stream == GroupMembership.RETRY) {
                retries.add(h);
            } else {
                buffer.addLast(h);
            }
        }
        buffer.addFirst(retries);
        for (int s = 0; s < FetchBuffer.STREAMS; s++) {
            if (read.counts[s] > 0) {
                buffer.read(s, read.counts[s], perStream[s]);
            }
        }
        return got.size();
    }

    /** A read sent: its reply, and how many entries it asked of each stream. */
    private record Read(CompletableFuture<List<StreamMessage<byte[], byte[]>>> reply, int[] counts) {
    }
}

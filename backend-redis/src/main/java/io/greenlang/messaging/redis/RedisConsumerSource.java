package io.greenlang.messaging.redis;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterFields;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a group on Redis Streams.
 *
 * <h2>Fetching ({@link #poll})</h2>
 * Each poll, on the runtime's poller thread:
 * <ol>
 *   <li>sends buffered settlements (one {@code XACK} per stream, and the scripts still owed) and, at most every
 *       20 ms, moves the group's due retries from its delay set to its retry stream (a Lua script); it does not
 *       wait for their replies, so a poll costs one round trip, the read;</li>
 *   <li>at start, and after a connection loss, re-reads this member's own pending entries
 *       ({@code XREADGROUP ... 0}): entries it took before a crash or whose reply was lost;</li>
 *   <li>every half lease, claims entries idle longer than the lease from the other members (script
 *       {@link Script#CLAIM}: never its own, whose handler still holds them past the lease);</li>
 *   <li>reads new entries with {@code XREADGROUP GROUP g c COUNT n STREAMS ... >} on its own connection, each
 *       stream as much as its {@link FetchBuffer} plans for the next {@code max} hand-outs (streams with the same
 *       count share one command; the commands of one read are pipelined, one round trip). Only when nothing is
 *       buffered and no stream is known to hold more does it read every stream with {@code COUNT max} and
 *       {@code BLOCK}. When a stream comes back full (a backlog), the next read is sent before the poll returns,
 *       and the following poll takes its reply (before anything else, so recovery and claims never see its
 *       entries unheld): Redis serves one batch while the runtime hands out the previous one;</li>
 *   <li>hands out at most {@code max} of what it holds, in the order of the member's
 *       {@link io.greenlang.messaging.spi.priority.BandScheduler}, stopping early when the scheduler chooses a band
 *       that must be read first. Retries, released and reclaimed entries go to the front of their message's band.
 *       The rest stays buffered for the next poll; a buffered entry older than half the lease has its idle time
 *       reset (only if this member still holds it) before it is handed out.</li>
 * </ol>
 * The attempt number of a hand-over is the entry's base attempt (1, or field {@code a} of a retry entry) plus
 * the number of earlier hand-overs to a handler, which the group's pending list keeps as the entry's delivery count
 * minus one: a read sets it to 1, a hand-over that has lasted {@value #MARK_AFTER_MILLIS} ms raises it (script
 * {@link Script#MARK}, in the background), and claims keep it. So entries another member had fetched ahead and never
 * started keep their attempt when it dies; a hand-over that ends sooner than that, settled or by a crash, is not
 * counted.
 *
 * <h2>Settling</h2>
 * {@link #ack} is buffered and sent in the next {@link #flush()} or poll. {@link #retry}, {@link #deadLetter} and
 * {@link #release} are Lua scripts sent at once without waiting; each first checks that this member still
 * holds the entry ({@code XPENDING} for this consumer), so a member that lost its lease cannot settle
 * it twice, and re-sending a script whose reply was lost is harmless. All settlements go through the broker's
 * shared connection, so Redis applies them in the order sent, before any later command of the broker (lag,
 * dead-letter queue operations); {@link #flush()} and polls send without waiting for the replies (at most
 * {@value #MAX_UNANSWERED} unanswered, then they wait), and {@link #close()} waits for all of them. Settlements
 * that fail because the connection is down are kept and sent again on the next flush; none of these methods
 * throws.
 * {@link #extendLease} resets the entry's idle time ({@code XCLAIM ... JUSTID}, which does not count a
 * delivery) and keeps resetting it in the background until the extension has run out; it returns {@code true} only
 * when Redis confirmed that this member still held the entry.
 *
 * <h2>Stalling</h2>
 * When every handler hangs ({@link #stalled}), the entries buffered here go back to the group's retry stream with
 * their attempt, as on close, so that other members get them.
 *
 * <h2>Closing</h2>
 * Buffered entries go back to the group's retry stream with their attempt number, settlements are flushed,
 * and the consumer is deleted from the group only if its pending list is empty on every stream.
 *
 * <h2>Server restarts</h2>
 * {@code LOADING} and connection losses make a poll fail (the runtime pauses and polls again) and trigger a
 * re-read of the member's own pending entries; {@code NOGROUP} (a restart without persistence) re-creates
 * the group at the start of the streams.
 */
final class RedisConsumerSource implements ConsumerSource {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConsumerSource.class);
    /** Index of the group's retry stream among {@link #streams}; 0, 1 and 2 are the bands. */
    static final int RETRY = PriorityBands.COUNT;
    /** Streams in the order a read names them: the retry stream, then the bands, highest first. */
    private static final int[] READ_ORDER = {RETRY, 2, 1, 0};
    private static final int MOVE_BATCH = 512;
    private static final long MOVE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Settlements sent and not yet answered before a flush waits for them. */
    static final int MAX_UNANSWERED = 256;
    private static final byte[] MOVE_BATCH_ARG = Fields.bytes(Integer.toString(MOVE_BATCH));
    /** A hand-over is written to Redis once it has lasted this long: most are settled sooner and cost nothing. */
    static final long MARK_AFTER_MILLIS = 50;
    private static final long MARK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(MARK_AFTER_MILLIS);

    private final RedisBroker broker;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final String topic;
    private final String groupName;
    private final String consumerName;
    private final byte[] group;
    private final byte[] consumer;
    private final byte[][] streams = new byte[FetchBuffer.STREAMS][];
    private final byte[] delayKey;
    private final byte[] deadLetterKey;
    private final long leaseNanos;
    private final StatefulConnection<byte[], byte[]> readConnection;
    private final RedisClusterAsyncCommands<byte[], byte[]> reader;

    private final ReentrantLock lock = new ReentrantLock();
    private final FetchBuffer buffer = new FetchBuffer();
    private Read readAhead;
    private long nextMoveNanos;
    private boolean recover = true;
    private final String[] recoverCursor = new String[RETRY + 1];
    private long nextClaimNanos;
    private final String[] claimCursor = new String[RETRY + 1];

    private final Map<String, Handle> outstanding = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Handle> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Op> redo = new ConcurrentLinkedQueue<>();
    private final Set<CompletableFuture<?>> sent = ConcurrentHashMap.newKeySet();
    private final Map<Handle, Extension> extensions = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ScheduledFuture<?> refresher;
    private volatile boolean closed;

    /**
     * Creates the group on every stream (at its start position if new) and opens the reading connection.
     *
     * @throws MessagingException if Redis cannot be reached or refuses
     */
    RedisConsumerSource(RedisBroker broker, SubscriptionOptions options) {
        this.broker = broker;
        this.commands = broker.commands();
        this.topic = options.topic();
        this.groupName = options.group();
        this.consumerName = options.consumerName();
        this.group = Keys.bytes(groupName);
        this.consumer = Keys.bytes(consumerName);
        Keys keys = broker.keys();
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            streams[b] = keys.band(topic, b);
        }
        streams[RETRY] = keys.retry(topic, groupName);
        this.delayKey = keys.delay(topic, groupName);
        this.deadLetterKey = keys.deadLetters(topic, groupName);
        this.leaseNanos = options.leaseTimeout().toNanos();
        Arrays.fill(recoverCursor, "0-0");
        Arrays.fill(claimCursor, "-");
        createGroups(options.startPosition() == StartPosition.EARLIEST ? "0" : "$");
        this.readConnection = broker.clients().connect("open a connection for subscription " + topic + "/" + groupName,
                streams[0]);
        this.reader = RedisClients.async(readConnection);
        long period = MARK_AFTER_NANOS;
        this.refresher = broker.clients().scheduler().scheduleAtFixedRate(this::refreshLeases, period, period,
                TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------------------------------------- fetching

    @Override
    public List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        lock.lockInterruptibly();
        try {
            sendOwed();
            // first, so that recovery and claims never see entries the read ahead took but no handle holds yet
            int readAheadGot = collectReadAhead();
            if (System.nanoTime() - nextMoveNanos >= 0) {
                moveDueRetries();
                nextMoveNanos = System.nanoTime() + MOVE_INTERVAL_NANOS;
            }
            if (recover) {
                recoverOwn(max);
            }
            if (System.nanoTime() - nextClaimNanos >= 0) {
                boolean scanned = claimIdle(max);
                nextClaimNanos = System.nanoTime() + (scanned ? leaseNanos / 2 : 0);
            }
            if (readAheadGot == 0) {
                read(max, timeout);
            }
            List<InboundMessage> out = takeFromBuffer(max);
            readAheadIfBacklogged(max);
            return out;
        } catch (MessagingException e) {
            if (RedisErrors.isNoGroup(e)) {
                LOG.warn("The group {} of topic {} is gone from Redis (NOGROUP: the server restarted without its data, "
                        + "or the keys were deleted); creating it again at the start of the streams", groupName, topic);
                createGroups("0");
                recover = true;
                buffer.assumeMore();
                return List.of();
            }
            if (RedisErrors.isConnectionProblem(e.getCause() != null ? e.getCause() : e)) {
                recover = true;
                buffer.assumeMore();
            }
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads new entries: what the buffer plans for the next {@code max} hand-outs, without blocking; then, if nothing
     * is buffered and no stream is known to hold more, every stream, blocking up to {@code timeout}.
     */
    private void read(int max, Duration timeout) throws InterruptedException {
        if (!buffer.isEmpty() || buffer.mayHoldMore()) {
            int[] counts = buffer.readCounts(max);
            if (anyPositive(counts)) {
                collect(sendRead(counts, 0), 0);
            }
        }
        if (buffer.isEmpty() && !buffer.mayHoldMore()) {
            long blockMillis = 0;
            if (!timeout.isZero()) {
                blockMillis = Math.max(1, Math.min(timeout.toMillis(), broker.settings().blockTimeout().toMillis()));
            }
            int[] counts = new int[FetchBuffer.STREAMS];
            Arrays.fill(counts, max);
            collect(sendRead(counts, blockMillis), blockMillis);
        }
    }

    /**
     * Sends the next read without waiting when a stream came back full (a backlog is waiting) and the buffer lacks
     * some of what the next poll may hand out: Redis serves the next batch while the runtime hands out this one.
     */
    private void readAheadIfBacklogged(int max) {
        if (readAhead == null && !closed && buffer.mayHoldMore()) {
            int[] counts = buffer.readCounts(max);
            if (anyPositive(counts)) {
                readAhead = sendRead(counts, 0);
            }
        }
    }

    /** Buffers what the read sent ahead got, if one was sent; returns how many entries that was. */
    private int collectReadAhead() throws InterruptedException {
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
    private Read sendRead(int[] counts, long blockMillis) {
        Map<Integer, List<XReadArgs.StreamOffset<byte[]>>> byCount = new LinkedHashMap<>();
        for (int s : READ_ORDER) {
            if (counts[s] > 0) {
                byCount.computeIfAbsent(counts[s], c -> new ArrayList<>())
                        .add(XReadArgs.StreamOffset.lastConsumed(streams[s]));
            }
        }
        List<CompletableFuture<List<StreamMessage<byte[], byte[]>>>> replies = new ArrayList<>(byCount.size());
        byCount.forEach((count, offsets) -> {
            XReadArgs args = XReadArgs.Builder.count(count);
            if (blockMillis > 0) {
                args.block(blockMillis);
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            XReadArgs.StreamOffset<byte[]>[] array = offsets.toArray(new XReadArgs.StreamOffset[0]);
            replies.add(reader.xreadgroup(Consumer.from(group, consumer), args, array).toCompletableFuture());
        });
        CompletableFuture<List<StreamMessage<byte[], byte[]>>> all = CompletableFuture
                .allOf(replies.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    List<StreamMessage<byte[], byte[]>> got = new ArrayList<>();
                    replies.forEach(r -> got.addAll(r.join()));
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

    private String readDescription() {
        return "read topic '" + topic + "' for group '" + groupName + "'";
    }

    /** Waits for a read's reply and buffers it; returns how many entries it got. */
    private int collect(Read read, long blockMillis) throws InterruptedException {
        List<StreamMessage<byte[], byte[]>> got = awaitRead(read.reply, blockMillis, readDescription());
        int[] perStream = new int[FetchBuffer.STREAMS];
        List<Handle> retries = new ArrayList<>();
        for (StreamMessage<byte[], byte[]> m : got) {
            int stream = streamIndex(m.getStream());
            perStream[stream]++;
            Handle h = handle(stream, m, 1);
            if (h == null) {
                continue;
            }
            if (stream == RETRY) {
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

    /** Re-reads this member's own pending entries, page by page, skipping those it holds already. */
    private void recoverOwn(int max) throws InterruptedException {
        List<Integer> open = new ArrayList<>();
        for (int s = 0; s <= RETRY; s++) {
            if (recoverCursor[s] != null) {
                open.add(s);
            }
        }
        if (open.isEmpty()) {
            finishRecovery();
            return;
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        XReadArgs.StreamOffset<byte[]>[] offsets = new XReadArgs.StreamOffset[open.size()];
        for (int i = 0; i < open.size(); i++) {
            offsets[i] = XReadArgs.StreamOffset.from(streams[open.get(i)], recoverCursor[open.get(i)]);
        }
        String what = "recover the pending entries of " + consumerName + " in group '" + groupName + "'";
        List<StreamMessage<byte[], byte[]>> got = awaitRead(reader.xreadgroup(Consumer.from(group, consumer),
                XReadArgs.Builder.count(max), offsets).toCompletableFuture(), 0, what);
        Map<Integer, List<StreamMessage<byte[], byte[]>>> byStream = new HashMap<>();
        for (StreamMessage<byte[], byte[]> m : got) {
            byStream.computeIfAbsent(streamIndex(m.getStream()), k -> new ArrayList<>()).add(m);
        }
        for (int s : open) {
            List<StreamMessage<byte[], byte[]>> entries = byStream.getOrDefault(s, List.of());
            if (entries.size() < max) {
                recoverCursor[s] = null;
            }
            if (!entries.isEmpty()) {
                recoverCursor[s] = recoverCursor[s] == null ? null : entries.get(entries.size() - 1).getId();
                adopt(s, entries, what);
            }
        }
        boolean done = true;
        for (String c : recoverCursor) {
            done &= c == null;
        }
        if (done) {
            finishRecovery();
        }
    }

    private void finishRecovery() {
        recover = false;
        Arrays.fill(recoverCursor, "0-0");
    }

    /**
     * Claims entries idle longer than the lease from the other members; returns whether the scan of every pending
     * list is complete (if not, the next poll continues it).
     */
    private boolean claimIdle(int max) throws InterruptedException {
        byte[] leaseMillis = Fields.bytes(Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leaseNanos))));
        byte[] count = Fields.bytes(Integer.toString(max));
        List<CompletableFuture<List<Object>>> claims = new ArrayList<>();
        for (int s = 0; s <= RETRY; s++) {
            claims.add(Script.CLAIM.run(commands, ScriptOutputType.MULTI, new byte[][] {streams[s]}, group, consumer,
                    leaseMillis, Fields.bytes(claimCursor[s]), count));
        }
        String what = "claim entries idle longer than the lease in group '" + groupName + "'";
        boolean complete = true;
        for (int s = 0; s <= RETRY; s++) {
            List<Object> reply = awaitPlain(claims.get(s), what);
            String next = new String((byte[]) reply.get(0), java.nio.charset.StandardCharsets.UTF_8);
            claimCursor[s] = next.isEmpty() ? "-" : next;
            complete &= next.isEmpty();
            @SuppressWarnings("unchecked")
            List<Object> entries = (List<Object>) reply.get(1);
            if (!entries.isEmpty()) {
                LOG.debug("{} claimed {} entries of {} idle longer than the lease", consumerName, entries.size(),
                        Keys.string(streams[s]));
                adoptClaimed(s, entries);
            }
        }
        return complete;
    }

    /** Buffers claimed entries ({id, {field, value...}, delivery count}), at the front of their bands. */
    private void adoptClaimed(int stream, List<Object> entries) {
        List<Handle> adopted = new ArrayList<>();
        for (Object o : entries) {
            List<?> e = (List<?>) o;
            String id = new String((byte[]) e.get(0), java.nio.charset.StandardCharsets.UTF_8);
            List<?> flat = (List<?>) e.get(1);
            Map<byte[], byte[]> body = new java.util.LinkedHashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                body.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
            }
            Handle h = handle(stream, new StreamMessage<>(streams[stream], id, body), Math.max(1, (Long) e.get(2)));
            if (h != null) {
                adopted.add(h);
            }
        }
        buffer.addFirst(adopted);
    }

    /**
     * Buffers this member's own pending entries re-read by {@link #recoverOwn}, with attempt numbers from the
     * delivery counts Redis keeps (less the one the re-read itself added); deleted entries are acknowledged away.
     */
    private void adopt(int stream, List<StreamMessage<byte[], byte[]>> entries, String what)
            throws InterruptedException {
        String first = entries.get(0).getId();
        String last = entries.get(entries.size() - 1).getId();
        List<PendingMessage> pending = awaitPlain(commands.xpending(streams[stream], Consumer.from(group, consumer),
                Range.create(first, last), Limit.from((long) entries.size() + outstanding.size() + buffer.size() + 16))
                .toCompletableFuture(), what);
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
            if (recover && outstanding.containsKey(key)) {
                continue; // handed out and not settled yet: a re-read after a reconnect, not a lost lease
            }
            Handle h = handle(stream, m, Math.max(1, counts.getOrDefault(m.getId(), 2L) - 1));
            if (h != null) {
                adopted.add(h);
            }
        }
        buffer.addFirst(adopted);
    }

    /**
     * Turns an entry into a handle; {@code null} for an entry that was deleted (trimmed) while pending, which is
     * acknowledged instead.
     *
     * @param deliveries its delivery count in the group's pending list: 1 plus its hand-overs so far
     */
    private Handle handle(int stream, StreamMessage<byte[], byte[]> m, long deliveries) {
        Map<byte[], byte[]> body = m.getBody();
        if (body == null || body.isEmpty()) {
            acks.add(new Handle(stream, m.getId(), null, null, null, null, 1, Positions.of(0, "0-0"), null, 1));
            return null;
        }
        byte[] envelope = Fields.get(body, Fields.MESSAGE);
        int base = 1;
        Position position;
        Instant firstFailure = null;
        String problem = null;
        if (stream == RETRY) {
            String p = Fields.getString(body, Fields.POSITION);
            position = p == null || p.isEmpty() ? new Position("retry:" + m.getId()) : new Position(p);
            try {
                String a = Fields.getString(body, Fields.ATTEMPT);
                base = a == null ? 1 : Math.max(1, Integer.parseInt(a));
                String f = Fields.getString(body, Fields.FIRST_FAILURE);
                firstFailure = f == null || f.isEmpty() ? null : Fields.instant(f);
            } catch (RuntimeException e) {
                problem = "retry entry " + m.getId() + " of " + Keys.string(streams[stream])
                        + " has an invalid attempt or first-failure field: " + e.getMessage();
            }
        } else {
            position = Positions.of(stream, m.getId());
        }
        int attempt = (int) Math.min(Integer.MAX_VALUE, base + deliveries - 1);
        Message message = null;
        byte[] raw = envelope;
        if (envelope == null) {
            raw = Fields.dump(body);
            problem = "stream entry " + m.getId() + " of " + Keys.string(streams[stream]) + " has no field 'm' (its "
                    + "fields: " + Fields.names(body) + "); it was not written by GreenLang Messaging";
        } else if (problem == null) {
            try {
                message = WireFormat.decode(envelope, topic);
            } catch (PayloadDecodingException e) {
                problem = "stream entry " + m.getId() + " of " + Keys.string(streams[stream]) + ": " + e.getMessage();
            }
        }
        return new Handle(stream, m.getId(), envelope != null ? envelope : raw, message, raw,
                message == null ? problem : null, attempt, position, firstFailure, deliveries);
    }

    private List<InboundMessage> takeFromBuffer(int max) throws InterruptedException {
        if (buffer.isEmpty()) {
            return List.of();
        }
        List<Handle> out = buffer.take(max);
        refreshStale(out);
        List<InboundMessage> records = new ArrayList<>(out.size());
        for (Handle h : out) {
            outstanding.put(h.key, h);
            records.add(h.message != null
                    ? InboundMessage.of(h.message, h.position, h.attempt, h.firstFailure, h)
                    : InboundMessage.undecodable(h.raw, h.decodeError, h.position, h.attempt, h));
        }
        return records;
    }

    /** Resets the idle time of handles buffered for more than half a lease; drops those lost meanwhile. */
    private void refreshStale(List<Handle> out) throws InterruptedException {
        long staleBefore = System.nanoTime() - leaseNanos / 2;
        Map<Integer, List<Handle>> stale = new HashMap<>();
        for (Handle h : out) {
            if (h.fetchedNanos - staleBefore < 0) {
                stale.computeIfAbsent(h.stream, k -> new ArrayList<>()).add(h);
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        Map<Integer, CompletableFuture<List<Object>>> results = new HashMap<>();
        stale.forEach((s, hs) -> results.put(s, extend(s, hs)));
        for (Map.Entry<Integer, List<Handle>> e : stale.entrySet()) {
            List<Object> held = awaitPlain(results.get(e.getKey()), "keep buffered entries leased");
            List<Handle> hs = e.getValue();
            for (int i = 0; i < hs.size(); i++) {
                if (Long.valueOf(1).equals(held.get(i))) {
                    hs.get(i).fetchedNanos = System.nanoTime();
                } else {
                    LOG.debug("{} lost buffered entry {} to another member before handing it out", consumerName,
                            hs.get(i).id);
                    out.remove(hs.get(i));
                }
            }
        }
    }

    private CompletableFuture<List<Object>> extend(int stream, List<Handle> handles) {
        byte[][] args = new byte[handles.size() + 2][];
        args[0] = group;
        args[1] = consumer;
        for (int i = 0; i < handles.size(); i++) {
            args[i + 2] = Fields.bytes(handles.get(i).id);
        }
        return Script.EXTEND.run(commands, ScriptOutputType.MULTI, new byte[][] {streams[stream]}, args);
    }

    private int streamIndex(byte[] key) {
        for (int s = 0; s <= RETRY; s++) {
            if (streams[s] == key || Arrays.equals(streams[s], key)) {
                return s;
            }
        }
        throw new IllegalStateException("Redis answered with entries of an unexpected stream " + Keys.string(key));
    }

    /** Creates the group on the band streams at {@code start} and on the retry stream at 0; existing ones stay. */
    private void createGroups(String start) {
        broker.call("create group '" + groupName + "' on topic '" + topic + "'", () -> {
            List<CompletableFuture<String>> creates = new ArrayList<>();
            for (int s = 0; s <= RETRY; s++) {
                String id = s == RETRY ? "0" : start;
                creates.add(commands.xgroupCreate(XReadArgs.StreamOffset.from(streams[s], id), group,
                        XGroupCreateArgs.Builder.mkstream()).toCompletableFuture()
                        .exceptionally(e -> {
                            if (String.valueOf(RedisErrors.unwrap(e).getMessage()).startsWith("BUSYGROUP")) {
                                return "OK";
                            }
                            throw new java.util.concurrent.CompletionException(RedisErrors.unwrap(e));
                        }));
            }
            return CompletableFuture.allOf(creates.toArray(new CompletableFuture<?>[0]));
        });
    }

    // ---------------------------------------------------------------------------------------------- settling

    /**
     * Buffers the acknowledgement. After {@link #close()} (a handler that outlived the grace period) it is sent at
     * once, best effort: if the broker is closed too, the entry is delivered again after its lease.
     */
    @Override
    public void ack(InboundMessage record) {
        Handle h = settled(record);
        if (h == null) {
            return;
        }
        acks.add(h);
        if (closed) {
            try {
                sendOwed();
            } catch (MessagingException e) {
                LOG.debug("A late acknowledgement for {}/{} could not be sent: {}", topic, groupName, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
        Handle h = settled(record);
        if (h == null) {
            return;
        }
        ByteArrayOutputStream member = new ByteArrayOutputStream(h.envelope.length + 64);
        byte[] head = Fields.bytes((record.attempt() + 1) + "|" + (firstFailure == null ? "" : Fields.instant(firstFailure))
                + "|" + h.position.value() + "|");
        member.writeBytes(head);
        member.writeBytes(h.envelope);
        byte[] memberBytes = member.toByteArray();
        byte[] due = Fields.bytes(Long.toString(System.currentTimeMillis() + Math.max(0, delay.toMillis())));
        send(new Op("schedule a retry of entry " + h.id, () -> Script.RETRY.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {streams[h.stream], delayKey}, group, consumer, Fields.bytes(h.id), due,
                memberBytes, deleteFlag(h))));
    }

    @Override
    public void deadLetter(InboundMessage record, DeadLetterRequest request) {
        Handle h = settled(record);
        if (h == null) {
            return;
        }
        List<byte[]> args = new ArrayList<>();
        args.add(group);
        args.add(consumer);
        args.add(Fields.bytes(h.id));
        args.add(deleteFlag(h));
        addField(args, Fields.MESSAGE, WireFormat.encode(request.message()));
        DeadLetterFields.write(request, Fields::instant).forEach((field, value) -> addField(args, Fields.key(field),
                Fields.bytes(value)));
        addField(args, Fields.POSITION, Fields.bytes(record.position().value()));
        byte[][] argv = args.toArray(new byte[0][]);
        send(new Op("dead-letter entry " + h.id, () -> Script.DEAD_LETTER.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {streams[h.stream], deadLetterKey}, argv)));
    }

    @Override
    public boolean extendLease(InboundMessage record, Duration extension) {
        Handle h = (Handle) record.handle();
        if (h.settled.get() || closed) {
            return false;
        }
        try {
            List<Object> held = broker.call("extend the lease of entry " + h.id, () -> extend(h.stream, List.of(h)));
            if (!Long.valueOf(1).equals(held.get(0))) {
                extensions.remove(h);
                return false;
            }
        } catch (MessagingException e) {
            // not confirmed: another member may have claimed it meanwhile, so the lease counts as lost
            LOG.warn("Could not extend the lease of entry {} of {} ({}); reporting the lease lost", h.id, topic,
                    e.getMessage());
            extensions.remove(h);
            return false;
        }
        extensions.put(h, new Extension(System.nanoTime() + extension.toNanos()));
        return !h.settled.get();
    }

    /** Noted here; written to Redis by the background task if the handler is still running after a moment. */
    @Override
    public void handedOver(InboundMessage record) {
        Handle h = (Handle) record.handle();
        long now = System.nanoTime();
        h.startedNanos = now == 0 ? 1 : now;
    }

    /** Hands the buffered entries back to the group (with their attempts), so that other members take them. */
    @Override
    public void stalled() {
        boolean locked = false;
        try {
            locked = lock.tryLock(broker.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!locked || closed) {
                return;
            }
            try {
                collectReadAhead();
            } catch (MessagingException e) {
                LOG.debug("The last read ahead of {}/{} failed; its entries stay pending for a claim: {}", topic,
                        groupName, e.getMessage());
            }
            requeueBuffer();
            sendOwed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (MessagingException e) {
            LOG.debug("Handing back the buffer of stalled member {} of {}/{} failed; its entries are claimed by "
                    + "others after the lease: {}", consumerName, topic, groupName, e.getMessage());
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    /** Sends every buffered entry back to the group's retry stream; called with the lock held. */
    private void requeueBuffer() {
        for (Handle h : buffer.drain()) {
            if (h.settled.compareAndSet(false, true)) {
                requeue(h);
            }
        }
    }

    @Override
    public void release(List<InboundMessage> records) {
        for (InboundMessage r : records) {
            Handle h = settled(r);
            if (h != null) {
                requeue(h);
            }
        }
    }

    /** Sends buffered settlements now; waits only if too many are unanswered. Never throws. */
    @Override
    public void flush() {
        try {
            sendOwed();
        } catch (MessagingException e) {
            LOG.debug("Flushing settlements of {}/{} failed; they are sent again later: {}", topic, groupName,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the record settled; returns its handle, or {@code null} if it was settled already. */
    private Handle settled(InboundMessage record) {
        Handle h = (Handle) record.handle();
        if (!h.settled.compareAndSet(false, true)) {
            return null;
        }
        outstanding.remove(h.key, h);
        extensions.remove(h);
        return h;
    }

    private void requeue(Handle h) {
        byte[] first = h.firstFailure == null ? new byte[0] : Fields.bytes(Fields.instant(h.firstFailure));
        byte[] minId = broker.minIdArgument();
        send(new Op("hand back entry " + h.id, () -> Script.REQUEUE.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {streams[h.stream], streams[RETRY]}, group, consumer, Fields.bytes(h.id), deleteFlag(h),
                minId, h.envelope, Fields.bytes(Integer.toString(h.attempt)), Fields.bytes(h.position.value()),
                first)));
    }

    private static byte[] deleteFlag(Handle h) {
        return Fields.bytes(h.stream == RETRY ? "1" : "0");
    }

    private static void addField(List<byte[]> args, String name, byte[] value) {
        args.add(Fields.bytes(name));
        args.add(value);
    }

    /** Sends an operation now; if it fails because the connection is down, it is sent again on the next flush. */
    private CompletableFuture<?> send(Op op) {
        CompletableFuture<?> f;
        try {
            f = op.action.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<?> future = f;
        sent.add(future);
        future.whenComplete((v, e) -> {
            sent.remove(future);
            if (e == null) {
                return;
            }
            if (RedisErrors.isConnectionProblem(e) || RedisErrors.isNoGroup(e) && !closed) {
                redo.add(op);
            } else {
                LOG.warn("Redis refused to {} for {}/{}; dropped: {}", op.what, topic, groupName,
                        broker.errors().scrub(String.valueOf(RedisErrors.unwrap(e).getMessage())));
            }
        });
        return future;
    }

    /**
     * Sends what is owed: operations to repeat and buffered acknowledgements (one {@code XACK} per stream, with
     * {@code XDEL} for the retry stream). Does not wait for replies unless more than {@value #MAX_UNANSWERED}
     * are outstanding.
     */
    private void sendOwed() throws InterruptedException {
        Op op;
        while ((op = redo.poll()) != null) {
            send(op);
        }
        if (!acks.isEmpty()) {
            Map<Integer, List<String>> ids = new HashMap<>();
            Handle h;
            while ((h = acks.poll()) != null) {
                ids.computeIfAbsent(h.stream, k -> new ArrayList<>()).add(h.id);
            }
            for (Map.Entry<Integer, List<String>> e : ids.entrySet()) {
                byte[] key = streams[e.getKey()];
                String[] list = e.getValue().toArray(new String[0]);
                boolean delete = e.getKey() == RETRY;
                send(new Op("acknowledge " + list.length + " entries", () -> {
                    CompletableFuture<Long> ack = commands.xack(key, group, list).toCompletableFuture();
                    return delete ? ack.thenCombine(commands.xdel(key, list).toCompletableFuture(), Long::sum) : ack;
                }));
            }
        }
        if (sent.size() > MAX_UNANSWERED) {
            awaitSent();
        }
    }

    /**
     * Waits for every settlement sent so far.
     *
     * @throws MessagingException if one failed; those that failed for a connection problem are kept for redo
     */
    private void awaitSent() throws InterruptedException {
        MessagingException failure = null;
        for (CompletableFuture<?> f : new ArrayList<>(sent)) {
            try {
                awaitPlain(f, "settle messages");
            } catch (MessagingException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Fires the script that moves due retries to the retry stream; a refusal is logged, not thrown. */
    private void moveDueRetries() {
        Script.MOVE_DUE.run(commands, ScriptOutputType.INTEGER, new byte[][] {delayKey, streams[RETRY]}, MOVE_BATCH_ARG,
                broker.minIdArgument(), Fields.bytes(Long.toString(System.currentTimeMillis())))
                .whenComplete((moved, e) -> {
                    if (e != null && !RedisErrors.isConnectionProblem(e)) {
                        LOG.warn("Moving due retries of {}/{} failed: {}", topic, groupName,
                                broker.errors().translate(e, "move due retries").getMessage());
                    }
                });
    }

    // ---------------------------------------------------------------------------------------------- leases

    /** The background task: records lasting hand-overs, and keeps extended leases. */
    private void refreshLeases() {
        markHandOvers(MARK_AFTER_NANOS);
        refreshExtensions();
    }

    /**
     * Writes to Redis the hand-overs that have lasted {@value #MARK_AFTER_MILLIS} ms (script {@link Script#MARK}):
     * the entry's delivery count becomes 1 plus its hand-overs, so that whoever takes it over raises its attempt.
     */
    private List<CompletableFuture<?>> markHandOvers(long minAgeNanos) {
        List<CompletableFuture<?>> marks = new ArrayList<>();
        if (outstanding.isEmpty()) {
            return marks;
        }
        try {
            long now = System.nanoTime();
            Map<Integer, List<Handle>> due = new HashMap<>();
            for (Handle h : outstanding.values()) {
                long started = h.startedNanos;
                if (started != 0 && !h.marked && now - started >= minAgeNanos && !h.settled.get()) {
                    h.marked = true;
                    due.computeIfAbsent(h.stream, k -> new ArrayList<>()).add(h);
                }
            }
            due.forEach((stream, handles) -> {
                byte[][] args = new byte[2 + 2 * handles.size()][];
                args[0] = group;
                args[1] = consumer;
                for (int i = 0; i < handles.size(); i++) {
                    args[2 + 2 * i] = Fields.bytes(handles.get(i).id);
                    args[3 + 2 * i] = Fields.bytes(Long.toString(handles.get(i).deliveries + 1));
                }
                marks.add(Script.MARK.run(commands, ScriptOutputType.MULTI, new byte[][] {streams[stream]}, args)
                        .whenComplete((held, e) -> {
                            if (e != null) {
                                handles.forEach(h -> h.marked = false); // tried again on the next tick
                            }
                        }));
            });
        } catch (RuntimeException e) {
            LOG.debug("Recording hand-overs of {}/{} failed: {}", topic, groupName, e.toString());
        }
        return marks;
    }

    /** Resets the idle time of entries whose lease was extended, until each extension runs out. */
    private void refreshExtensions() {
        if (extensions.isEmpty() || closed || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            long now = System.nanoTime();
            Map<Integer, List<Handle>> due = new HashMap<>();
            for (Iterator<Map.Entry<Handle, Extension>> it = extensions.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Handle, Extension> e = it.next();
                Extension x = e.getValue();
                if (e.getKey().settled.get() || x.untilNanos - now <= 0) {
                    it.remove();
                } else if (now - x.refreshedNanos >= leaseNanos / 3 && x.untilNanos - (x.refreshedNanos + leaseNanos) > 0) {
                    due.computeIfAbsent(e.getKey().stream, k -> new ArrayList<>()).add(e.getKey());
                }
            }
            List<CompletableFuture<?>> all = new ArrayList<>();
            due.forEach((stream, handles) -> all.add(extend(stream, handles).whenComplete((held, failure) -> {
                if (failure != null) {
                    return; // tried again on the next tick
                }
                long at = System.nanoTime();
                for (int i = 0; i < handles.size(); i++) {
                    Extension x = extensions.get(handles.get(i));
                    if (x == null) {
                        continue;
                    }
                    if (Long.valueOf(1).equals(held.get(i))) {
                        x.refreshedNanos = at;
                    } else {
                        extensions.remove(handles.get(i));
                    }
                }
            })));
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                    .whenComplete((v, e) -> refreshing.set(false));
        } catch (RuntimeException e) {
            refreshing.set(false);
            LOG.debug("Refreshing leases of {}/{} failed: {}", topic, groupName, e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- closing

    @Override
    public void close() {
        closed = true;
        refresher.cancel(false);
        // handlers still running are abandoned: their hand-overs count, however short
        for (CompletableFuture<?> mark : markHandOvers(0)) {
            try {
                mark.get(broker.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Recording a running hand-over of {}/{} at close failed: {}", topic, groupName, e.toString());
            }
        }
        boolean locked = false;
        try {
            locked = lock.tryLock(broker.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (locked) {
                try {
                    collectReadAhead(); // what it took goes back with the rest of the buffer
                } catch (MessagingException e) {
                    LOG.debug("The last read ahead of {}/{} failed at close; its entries stay pending for a claim: {}",
                            topic, groupName, e.getMessage());
                }
                requeueBuffer();
            }
            sendOwed();
            awaitSent();
            broker.call("leave group '" + groupName + "'", () -> Script.LEAVE.run(commands, ScriptOutputType.INTEGER,
                    streams.clone(), group, consumer));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (MessagingException e) {
            LOG.warn("Closing member {} of group {} on topic {} did not finish cleanly; what it held will be claimed by "
                    + "another member after the lease: {}", consumerName, groupName, topic, e.getMessage());
        } finally {
            if (locked) {
                lock.unlock();
            }
            readConnection.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- waiting

    /** Waits for a blocking read: its block time plus the command timeout. */
    private <T> T awaitRead(CompletableFuture<T> f, long blockMillis, String what) throws InterruptedException {
        return awaitFor(f, blockMillis + broker.settings().commandTimeout().toMillis() + 1000, what);
    }

    private <T> T awaitPlain(CompletableFuture<T> f, String what) throws InterruptedException {
        return awaitFor(f, broker.settings().commandTimeout().toMillis() + 1000, what);
    }

    private <T> T awaitFor(CompletableFuture<T> f, long millis, String what) throws InterruptedException {
        try {
            return f.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw broker.errors().translate(e.getCause(), what);
        } catch (TimeoutException e) {
            throw broker.errors().translate(new io.lettuce.core.RedisCommandTimeoutException("no reply"), what);
        }
    }

    @Override
    public String toString() {
        return "RedisConsumerSource{" + topic + "/" + groupName + "/" + consumerName + "}";
    }

    // ---------------------------------------------------------------------------------------------- types

    /** A fetched entry: where it is, what it holds, and whether it has been settled. */
    static final class Handle {
        final int stream;
        final String id;
        final byte[] envelope;
        final Message message;
        final byte[] raw;
        final String decodeError;
        final int attempt;
        final Position position;
        final Instant firstFailure;
        final String key;
        /** The time (ms) of its original entry, for the fairness rule's "oldest". */
        final long age;
        /** Its delivery count in the group's pending list when fetched: 1 plus its earlier hand-overs. */
        final long deliveries;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile long fetchedNanos = System.nanoTime();
        /** When it was handed to a handler ({@link System#nanoTime()}), or 0. */
        volatile long startedNanos;
        /** Whether the hand-over was written to Redis ({@link Script#MARK}). */
        volatile boolean marked;

        Handle(int stream, String id, byte[] envelope, Message message, byte[] raw, String decodeError, int attempt,
                Position position, Instant firstFailure, long deliveries) {
            this.stream = stream;
            this.id = id;
            this.envelope = envelope;
            this.message = message;
            this.raw = raw;
            this.decodeError = decodeError;
            this.attempt = attempt;
            this.position = position;
            this.firstFailure = firstFailure;
            this.deliveries = deliveries;
            this.key = stream + ":" + id;
            this.age = ageOf(position, id);
        }

        /** The band it is served from: its message's, or its stream's. */
        int band() {
            if (message != null) {
                return PriorityBands.of(message.priority());
            }
            return stream == RETRY ? 0 : stream;
        }

        private static long ageOf(Position position, String id) {
            String v = position.value();
            long millis = Positions.leadingMillis(v, v.indexOf(':') + 1); // band:ms-seq
            return millis >= 0 ? millis : Positions.leadingMillis(id, 0);
        }

        @Override
        public String toString() {
            return "Handle{" + key + ", attempt " + attempt + "}";
        }
    }

    /** A read sent: its reply, and how many entries it asked of each stream. */
    private record Read(CompletableFuture<List<StreamMessage<byte[], byte[]>>> reply, int[] counts) {
    }

    /** An extension of a lease: until when, and when the idle time was last reset. */
    private static final class Extension {
        final long untilNanos;
        volatile long refreshedNanos = System.nanoTime();

        Extension(long untilNanos) {
            this.untilNanos = untilNanos;
        }
    }

    /** A settlement that can be sent again. */
    private static final class Op {
        final String what;
        final Supplier<CompletableFuture<?>> action;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Op(String what, Supplier<? extends CompletableFuture<?>> action) {
            this.what = what;
            this.action = (Supplier) action;
        }
    }
}

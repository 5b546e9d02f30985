package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.HandOvers;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a group: a {@link KafkaConsumer} (consumer group protocol of KIP-848) on its own fetcher thread,
 * with per-message leases and acknowledgements on top of partition offsets.
 *
 * <h2>Threads</h2>
 * The fetcher thread alone touches the {@code KafkaConsumer}: it polls continuously (so the member stays in the
 * group however long handlers run), buffers what it fetched, commits, expires leases, and runs rebalance callbacks.
 * The runtime's poller takes buffered records through {@link #poll}; settlements come from any thread and are
 * applied at once to the partition's {@link PartitionTracker}; the fetcher commits the completed prefix every
 * {@code commit-interval} (and synchronously on revocation and close).
 *
 * <h2>Leases</h2>
 * A record given to the runtime is leased for the subscription's lease timeout, again from its hand-over to a
 * handler ({@link #handedOver}); {@link #extendLease} moves the deadline. When a lease runs out, the fetcher
 * re-publishes the record to the group's retry topic, due at once, with the attempt raised if it had been handed to a
 * handler ({@link HandOvers}), on a retry partition this member does not own where there is one, and marks the
 * original complete, so the committed prefix advances; the late handler's settlement is then ignored and
 * {@code extendLease} returns {@code false}. While that handler still runs (it hangs), this member does not hand the
 * re-published record out itself: if it comes back here (it owns every retry partition), it is held aside and moved
 * to a retry partition another member owns as soon as there is one. When every handler hangs the runtime reports the
 * member {@linkplain #stalled stalled}: it leaves the group until the runtime polls again, so that its partitions,
 * and the re-published records, go to the other members.
 *
 * <h2>Rebalances</h2>
 * On revocation the fetcher drops what it buffered for the revoked partitions (the next owner reads it from the
 * committed offset), waits until the records it handed out from them are settled or their leases run out (bounded
 * by {@code revoke-timeout}), and commits synchronously. So a lease holds across a rebalance, and nothing
 * acknowledged is delivered again. On close it does not wait: running handlers had their grace period.
 *
 * <h2>Retries</h2>
 * Records of the group's retry topic carry their due time; the fetcher keeps those not yet due in memory (without
 * pausing the partition: later, earlier-due records keep flowing) and hands them out once due, ahead of new
 * records of their band. Up to {@value #MAX_DELAYED} are kept; beyond that retry partitions pause.
 *
 * <h2>Priority</h2>
 * Each band's records are handed out oldest first (broker append time, then message id, across partitions); the
 * member's {@link BandScheduler} chooses the band of each hand-out among those with records fetched. Right after an assignment, lower bands wait (at most
 * {@value #BAND_HOLD_MILLIS} ms) until every higher band has been fetched once, so a backlog is not served in the
 * order its fetches happened to arrive.
 */
final class KafkaConsumerSource implements ConsumerSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConsumerSource.class);
    private static final Duration FETCH_POLL = Duration.ofMillis(50);
    /**
     * A partition is paused while this many of its records, or this many bytes of their values, wait to be handed
     * out, and resumed below half. Pausing stops the consumer's fetching ahead, so the half must outlast a fetch
     * round trip: with 2,000 records a partition drained at about 130k msg/s, paused half the time.
     */
    private static final int MAX_BUFFERED_PER_PARTITION = 10_000;
    private static final long MAX_BUFFERED_BYTES_PER_PARTITION = 16L * 1024 * 1024;
    static final int MAX_DELAYED = 10_000;
    static final long BAND_HOLD_MILLIS = 1000;
    static final long LAG_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final KafkaBroker broker;
    private final SubscriptionOptions options;
    private final List<String> bandTopics;
    private final String retryTopic;
    private final String groupId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread fetcher;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final Map<TopicPartition, AssignedPartition> parts = new HashMap<>();
    private final List<ArrayDeque<FetchedRecord>> dueRetries = new ArrayList<>();
    private final PriorityQueue<FetchedRecord> delayed = new PriorityQueue<>(Comparator.comparingLong(r -> r.dueMillis));
    private final BandScheduler scheduler = new BandScheduler();
    private long assignmentVersion;
    private final List<List<AssignedPartition>> bandParts = new ArrayList<>();
    /** Whether some band partition was assigned recently and may not have been fetched yet. */
    private boolean holding;

    private final Set<FetchedRecord> leased = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile boolean closing;
    private volatile boolean commitRequested;
    private volatile boolean stallRequested;
    /** Positions of records whose lease ran out while their handler here still runs (it hangs). */
    private final Set<String> hungHere = ConcurrentHashMap.newKeySet();
    /** Retry records of {@link #hungHere} positions that came back to this member; guarded by lock. */
    private final List<FetchedRecord> heldAside = new ArrayList<>();
    private volatile long lastRuntimePollNanos = System.nanoTime();
    private volatile String memberId;
    private volatile Set<TopicPartition> assigned = Set.of();
    private volatile RuntimeException startFailure;
    private boolean subscribed; // fetcher thread only
    private long leftAtNanos; // fetcher thread only
    private long nextCommitNanos; // fetcher thread only
    private int retryRoundRobin; // fetcher thread only

    KafkaConsumerSource(KafkaBroker broker, SubscriptionOptions options, List<String> bandTopics, String retryTopic,
            String groupId) {
        this.broker = broker;
        this.options = options;
        this.bandTopics = bandTopics;
        this.retryTopic = retryTopic;
        this.groupId = groupId;
        for (int i = 0; i < PriorityBands.COUNT; i++) {
            dueRetries.add(new ArrayDeque<>());
            bandParts.add(new ArrayList<>());
        }
        Map<String, Object> props = new HashMap<>(broker.settings().clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, broker.settings().clientId() + "-" + options.consumerName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                broker.settings().revokeTimeout().toMillis() + 60_000));
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, broker.maxRecordBytes()));
        broker.settings().clientProperties().forEach(props::put);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.fetcher = new Thread(this::run, "greenlang-kafka-fetcher-" + groupId + "/" + options.consumerName());
        this.fetcher.setDaemon(true);
    }

    void start() {
        fetcher.start();
    }

    String groupId() {
        return groupId;
    }

    String memberId() {
        return memberId;
    }

    Set<TopicPartition> assignedPartitions() {
        return assigned;
    }

    int leasedCount() {
        return leased.size();
    }

    /** Waits until the assignment changes; returns whether the source stopped (then there is no point waiting). */
    boolean awaitAssignmentChange(Duration max) {
        lock.lock();
        try {
            if (startFailure != null) {
                throw startFailure;
            }
            long version = assignmentVersion;
            long nanos = max.toNanos();
            while (version == assignmentVersion && nanos > 0 && !stopping) {
                nanos = changed.awaitNanos(nanos);
            }
            return stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------ the runtime's side

    @Override
    public List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
        RuntimeException failure = startFailure;
        if (failure != null) {
            throw new io.greenlang.messaging.MessagingException("The Kafka consumer of group " + groupId
                    + " stopped; close this subscription and subscribe again: " + failure, failure);
        }
        long now = System.nanoTime();
        lastRuntimePollNanos = now;
        stallRequested = false;
        long deadline = now + timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                long nowMillis = System.currentTimeMillis();
                while (!delayed.isEmpty() && delayed.peek().dueMillis <= nowMillis) {
                    FetchedRecord r = delayed.poll();
                    dueRetries.get(r.band).addLast(r);
                }
                List<InboundMessage> out = compose(max);
                if (!out.isEmpty()) {
                    long leaseNanos = options.leaseTimeout().toNanos();
                    long handedOut = System.nanoTime();
                    for (InboundMessage m : out) {
                        FetchedRecord r = FetchedRecord.of(m);
                        synchronized (r) {
                            r.state = FetchedRecord.State.LEASED;
                            r.deadlineNanos = handedOut + leaseNanos;
                        }
                        leased.add(r);
                    }
                    return out;
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0 || stopping) {
                    return List.of();
                }
                if (!delayed.isEmpty()) {
                    wait = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(Math.max(1,
                            delayed.peek().dueMillis - System.currentTimeMillis())));
                }
                changed.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@code max} records in the order of the band scheduler; called with the lock held. */
    private List<InboundMessage> compose(int max) {
        List<InboundMessage> out = new ArrayList<>();
        long now = System.nanoTime();
        if (holding && hiddenBacklogAbove(-1, now)) {
            return out; // right after an assignment, wait until every band was fetched once, to order the backlog
        }
        boolean[] hiddenAbove = new boolean[PriorityBands.COUNT];
        if (holding) {
            holding = false;
            for (int b = 0; b < PriorityBands.COUNT; b++) {
                hiddenAbove[b] = hiddenBacklogAbove(b, now);
                holding |= hiddenAbove[b];
            }
        }
        FetchedRecord[] heads = new FetchedRecord[PriorityBands.COUNT];
        BandScheduler.Bands bands = new BandScheduler.Bands() {
            @Override
            public boolean isWaiting(int band) {
                return heads[band] != null;
            }

            @Override
            public int compareOldest(int a, int b) {
                return FetchedRecord.oldestFirst(heads[a], heads[b]);
            }
        };
        while (out.size() < max) {
            int high = -1;
            for (int b = PriorityBands.COUNT - 1; b >= 0; b--) {
                heads[b] = head(b);
                if (heads[b] != null && high < 0) {
                    high = b;
                }
            }
            if (high < 0) {
                break;
            }
            if (hiddenAbove[high]) {
                break; // a higher band was not fetched yet: do not serve a lower one in its place
            }
            FetchedRecord chosen = heads[scheduler.next(bands)];
            take(chosen);
            out.add(chosen.inbound);
        }
        return out;
    }

    /** The oldest record of a band ready to hand out: a due retry first, else the oldest partition head. */
    private FetchedRecord head(int band) {
        FetchedRecord retry = dueRetries.get(band).peekFirst();
        if (retry != null) {
            return retry;
        }
        FetchedRecord best = null;
        for (AssignedPartition p : bandParts.get(band)) {
            FetchedRecord h = p.buffered.peekFirst();
            if (h != null && (best == null || FetchedRecord.oldestFirst(h, best) < 0)) {
                best = h;
            }
        }
        return best;
    }

    private void take(FetchedRecord r) {
        if (r.part.retry) {
            dueRetries.get(r.band).remove(r);
        } else {
            r.part.buffered.pollFirst();
        }
    }

    /**
     * Whether a band (above {@code band}, or any band when {@code band} is -1) may hold records not fetched yet,
     * shortly after an assignment.
     */
    private boolean hiddenBacklogAbove(int band, long now) {
        for (AssignedPartition p : parts.values()) {
            if (!p.retry && p.band > band && p.buffered.isEmpty() && now - p.assignedNanos
                    < TimeUnit.MILLISECONDS.toNanos(BAND_HOLD_MILLIS)) {
                OptionalLong lag = p.lag;
                if (lag.isEmpty() || lag.getAsLong() > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The lease runs from here; commits list the record as handed out, so a next owner raises its attempt. */
    @Override
    public void handedOver(InboundMessage record) {
        FetchedRecord r = FetchedRecord.of(record);
        synchronized (r) {
            if (r.state != FetchedRecord.State.LEASED) {
                return;
            }
            r.handedOver = true;
            r.deadlineNanos = System.nanoTime() + options.leaseTimeout().toNanos();
        }
        r.part.tracker.handedOut(r.offset, true);
    }

    /** Every handler hangs: the fetcher leaves the group until the runtime polls again. */
    @Override
    public void stalled() {
        stallRequested = true; // the fetcher sees it within one poll (not woken: that could abort its leaving)
    }

    @Override
    public void ack(InboundMessage record) {
        FetchedRecord r = FetchedRecord.of(record);
        if (r.transition(FetchedRecord.State.LEASED, FetchedRecord.State.DONE)) {
            complete(r);
        } else {
            returnedLate(r);
        }
    }

    /** A handler settled a record whose lease had run out: it no longer hangs, so its record may come back here. */
    private void returnedLate(FetchedRecord r) {
        if (hungHere.remove(r.inbound.position().value())) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
        FetchedRecord r = FetchedRecord.of(record);
        if (!r.transition(FetchedRecord.State.LEASED, FetchedRecord.State.SETTLING)) {
            returnedLate(r);
            return;
        }
        long due = System.currentTimeMillis() + delay.toMillis();
        republish(r, r.inbound.attempt() + 1, due, firstFailure, null);
    }

    @Override
    public void deadLetter(InboundMessage record, DeadLetterRequest request) {
        FetchedRecord r = FetchedRecord.of(record);
        if (!r.transition(FetchedRecord.State.LEASED, FetchedRecord.State.SETTLING)) {
            returnedLate(r);
            return;
        }
        CompletableFuture<?> stored;
        try {
            stored = broker.storeDeadLetter(options.topic(), options.group(), request, r.inbound.position());
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((md, e) -> {
            if (e == null) {
                settled(r);
            } else {
                LOG.error("Storing a dead letter of {}/{} failed; the message stays with this member and is tried "
                        + "again: {}", options.topic(), options.group(), e.toString());
                failedSettlement(r);
            }
        });
    }

    @Override
    public boolean extendLease(InboundMessage record, Duration extension) {
        FetchedRecord r = FetchedRecord.of(record);
        synchronized (r) {
            if (r.state != FetchedRecord.State.LEASED) {
                return false;
            }
            r.deadlineNanos = System.nanoTime() + extension.toNanos();
            return true;
        }
    }

    @Override
    public void release(List<InboundMessage> records) {
        lock.lock();
        try {
            for (int i = records.size() - 1; i >= 0; i--) {
                FetchedRecord r = FetchedRecord.of(records.get(i));
                synchronized (r) {
                    if (r.state != FetchedRecord.State.LEASED) {
                        continue;
                    }
                    r.state = FetchedRecord.State.BUFFERED;
                    r.handedOver = false;
                }
                leased.remove(r);
                r.part.tracker.handedOut(r.offset, false);
                if (!r.part.gone) {
                    if (r.part.retry) {
                        dueRetries.get(r.band).addFirst(r);
                    } else {
                        r.part.buffered.addFirst(r);
                    }
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        commitRequested = true;
    }

    @Override
    public void close() {
        closing = true;
        stopping = true;
        consumer.wakeup();
        try {
            fetcher.join(broker.settings().requestTimeout().toMillis() + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.forget(this);
    }

    /** The record is settled for good: it counts as complete for its partition's committed prefix. */
    private void complete(FetchedRecord r) {
        leased.remove(r);
        r.part.tracker.done(r.offset);
    }

    private void settled(FetchedRecord r) {
        if (r.transition(FetchedRecord.State.SETTLING, FetchedRecord.State.DONE)) {
            complete(r);
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failedSettlement(FetchedRecord r) {
        synchronized (r) {
            if (r.state == FetchedRecord.State.SETTLING) {
                r.state = FetchedRecord.State.LEASED;
                r.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1); // re-published when it runs out
            }
        }
    }

    /**
     * Writes the record to the group's retry topic as attempt {@code attempt}, due at {@code dueMillis}, and
     * completes the original once the broker has the copy.
     */
    private void republish(FetchedRecord r, int attempt, long dueMillis, Instant firstFailure, Integer partition) {
        InboundMessage in = r.inbound;
        byte[] value = in.isDecoded() ? WireFormat.encode(in.message()) : in.raw();
        byte[] key = in.isDecoded() ? KafkaRecords.key(in.message()) : null;
        broker.sendInternal(retryTopic, partition, key, value,
                KafkaRecords.retryHeaders(attempt, dueMillis, firstFailure, in.position())).whenComplete((md, e) -> {
                    if (e == null) {
                        settled(r);
                    } else {
                        LOG.error("Writing a retry of {}/{} to {} failed; the message stays with this member and is "
                                + "tried again: {}", options.topic(), options.group(), retryTopic, e.toString());
                        failedSettlement(r);
                    }
                });
    }

    // ------------------------------------------------------------------------------------ the fetcher thread

    private void run() {
        try {
            subscribe();
            while (!stopping) {
                try {
                    fetchOnce();
                } catch (WakeupException e) {
                    // close() woke the consumer up: the loop condition decides
                } catch (RuntimeException e) {
                    if (stopping) {
                        break;
                    }
                    LOG.warn("The consumer of {} failed; trying again in 500 ms: {}", groupId, e.toString());
                    idle(Duration.ofMillis(500));
                }
            }
        } catch (RuntimeException | Error e) {
            startFailure = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
            LOG.error("The consumer of {} stopped: {}", groupId, e.toString(), e);
        } finally {
            shutdown();
        }
    }

    /** One turn of the fetcher: rejoin if due, poll, buffer, expire leases, commit. */
    private void fetchOnce() {
        if (subscribed && stallRequested) {
            leaveGroup();
        }
        if (!subscribed) {
            if (!stallRequested && lastRuntimePollNanos - leftAtNanos > 0) {
                LOG.info("Member {} of {} rejoins: its handlers take messages again", options.consumerName(), groupId);
                subscribe();
            } else {
                expireLeases();
                idle(FETCH_POLL);
                return;
            }
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(FETCH_POLL);
        memberId = consumer.groupMetadata().memberId();
        if (!records.isEmpty()) {
            ingest(records);
        }
        updatePartitionStates();
        expireLeases();
        moveHeldAside();
        commitIfDue(false);
    }

    private void subscribe() {
        List<String> topics = new ArrayList<>(bandTopics);
        topics.add(retryTopic);
        consumer.subscribe(topics, new Listener());
        subscribed = true;
    }

    private void leaveGroup() {
        LOG.warn("Every handler of member {} of {} holds a message past its lease of {}; the member leaves the "
                + "group until a handler returns, so that other members take its partitions",
                options.consumerName(), groupId, options.leaseTimeout());
        try {
            consumer.unsubscribe();
        } catch (RuntimeException e) {
            LOG.warn("Leaving group {} failed: {}", groupId, e.toString());
        }
        subscribed = false;
        leftAtNanos = System.nanoTime();
        forgetAll();
    }

    private void idle(Duration d) {
        lock.lock();
        try {
            changed.awaitNanos(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    private void ingest(ConsumerRecords<byte[], byte[]> records) {
        List<FetchedRecord> ready = new ArrayList<>(records.count());
        for (TopicPartition tp : records.partitions()) {
            AssignedPartition p;
            lock.lock();
            try {
                p = parts.get(tp);
            } finally {
                lock.unlock();
            }
            if (p == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> cr : records.records(tp)) {
                if (!p.tracker.fetched(cr.offset())) {
                    continue; // completed before a restart or rebalance
                }
                FetchedRecord r = p.retry ? retryRecord(p, cr) : mainRecord(p, cr);
                r.bytes = Math.max(0, cr.serializedValueSize());
                ready.add(r);
            }
        }
        lock.lock();
        try {
            long now = System.currentTimeMillis();
            for (FetchedRecord r : ready) {
                if (r.part.gone) {
                    continue;
                }
                if (!r.part.retry) {
                    r.part.buffered.addLast(r);
                } else if (hungHere.contains(r.inbound.position().value())) {
                    heldAside.add(r); // its handler here still hangs: it is for another member
                } else if (r.dueMillis <= now) {
                    dueRetries.get(r.band).addLast(r);
                } else {
                    delayed.add(r);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private FetchedRecord mainRecord(AssignedPartition p, ConsumerRecord<byte[], byte[]> cr) {
        Position position = KafkaRecords.position(p.band, cr.partition(), cr.offset());
        int attempt = HandOvers.next(1, p.tracker.handedOutBefore(cr.offset()));
        try {
            Message m = KafkaRecords.decode(cr.value(), options.topic());
            FetchedRecord r = new FetchedRecord(p, cr.offset(), p.band, cr.timestamp(), m.id(), 0);
            r.inbound = InboundMessage.of(m, position, attempt, null, r);
            return r;
        } catch (PayloadDecodingException e) {
            FetchedRecord r = new FetchedRecord(p, cr.offset(), p.band, cr.timestamp(), "", 0);
            r.inbound = InboundMessage.undecodable(cr.value() == null ? new byte[0] : cr.value(), e.getMessage(),
                    position, attempt, r);
            return r;
        }
    }

    private FetchedRecord retryRecord(AssignedPartition p, ConsumerRecord<byte[], byte[]> cr) {
        int attempt = 1;
        long due = 0;
        Instant firstFailure = null;
        Position position = KafkaRecords.position(PriorityBands.DEFAULT, cr.partition(), cr.offset());
        try {
            attempt = Math.max(1, Integer.parseInt(KafkaRecords.text(cr.headers(), KafkaRecords.ATTEMPT).orElse("1")));
            due = Long.parseLong(KafkaRecords.text(cr.headers(), KafkaRecords.DUE).orElse("0"));
            firstFailure = KafkaRecords.text(cr.headers(), KafkaRecords.FIRST_FAILURE)
                    .map(s -> KafkaRecords.instant(Long.parseLong(s))).orElse(null);
            position = KafkaRecords.text(cr.headers(), KafkaRecords.POSITION).map(Position::new).orElse(position);
            attempt = HandOvers.next(attempt, p.tracker.handedOutBefore(cr.offset()));
        } catch (RuntimeException e) {
            LOG.warn("A record of retry topic {} has invalid headers: {}", retryTopic, e.toString());
        }
        try {
            Message m = KafkaRecords.decode(cr.value(), options.topic());
            FetchedRecord r = new FetchedRecord(p, cr.offset(), PriorityBands.of(m.priority()), cr.timestamp(), m.id(), due);
            r.inbound = InboundMessage.of(m, position, attempt, firstFailure, r);
            return r;
        } catch (PayloadDecodingException e) {
            FetchedRecord r = new FetchedRecord(p, cr.offset(), PriorityBands.DEFAULT, cr.timestamp(), "", due);
            r.inbound = InboundMessage.undecodable(cr.value() == null ? new byte[0] : cr.value(), e.getMessage(),
                    position, attempt, r);
            return r;
        }
    }

    /** Lags for the priority hold, and pausing partitions whose buffer is full. */
    private void updatePartitionStates() {
        List<AssignedPartition> snapshot;
        int[] sizes;
        long[] bytes;
        lock.lock();
        try {
            snapshot = new ArrayList<>(parts.values());
            sizes = new int[snapshot.size()];
            bytes = new long[snapshot.size()];
            for (int i = 0; i < sizes.length; i++) {
                AssignedPartition p = snapshot.get(i);
                sizes[i] = p.retry ? delayed.size() : p.buffered.size();
                bytes[i] = p.retry ? 0 : p.buffered.bytes();
            }
        } finally {
            lock.unlock();
        }
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < sizes.length; i++) {
            AssignedPartition p = snapshot.get(i);
            int size = sizes[i];
            // only hiddenBacklogAbove reads the lag: of an empty partition during its hold after assignment.
            // currentLag is a round trip to the consumer's network thread, too dear to ask on every poll.
            if (!p.retry && size == 0 && now - p.assignedNanos < TimeUnit.MILLISECONDS.toNanos(BAND_HOLD_MILLIS)
                    && now - p.lagAskedNanos >= LAG_REFRESH_NANOS) {
                p.lagAskedNanos = now;
                try {
                    p.lag = consumer.currentLag(p.tp);
                } catch (IllegalStateException e) {
                    p.lag = OptionalLong.empty();
                }
            }
            int limit = p.retry ? MAX_DELAYED : MAX_BUFFERED_PER_PARTITION;
            if (!p.paused && (size >= limit || bytes[i] >= MAX_BUFFERED_BYTES_PER_PARTITION)) {
                pause.add(p.tp);
                p.paused = true;
            } else if (p.paused && size < limit / 2 && bytes[i] < MAX_BUFFERED_BYTES_PER_PARTITION / 2) {
                resume.add(p.tp);
                p.paused = false;
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Re-publishes records whose lease ran out, with the attempt raised for those a handler had. */
    private void expireLeases() {
        long now = System.nanoTime();
        for (FetchedRecord r : leased) {
            boolean handedOver;
            synchronized (r) {
                if (r.state != FetchedRecord.State.LEASED || now - r.deadlineNanos < 0) {
                    continue;
                }
                r.state = FetchedRecord.State.SETTLING;
                handedOver = r.handedOver;
            }
            int attempt = HandOvers.next(r.inbound.attempt(), handedOver);
            if (handedOver) {
                hungHere.add(r.inbound.position().value());
            }
            LOG.debug("The lease of {} in {} ran out; it goes back to the group as attempt {}", r, groupId, attempt);
            Integer partition = retryPartitionNotOwned();
            republish(r, attempt, 0, r.inbound.firstFailure(),
                    partition != null ? partition : Math.floorMod(retryRoundRobin++, broker.partitionCount(retryTopic)));
        }
    }

    /**
     * Retry records whose handler here hangs and that came back to this member: each goes to a retry partition
     * another member owns as soon as there is one (same attempt: it was not handed over here), or is handed out
     * here once its handler returned.
     */
    private void moveHeldAside() {
        List<FetchedRecord> move = new ArrayList<>();
        lock.lock();
        try {
            if (heldAside.isEmpty()) {
                return;
            }
            for (java.util.Iterator<FetchedRecord> it = heldAside.iterator(); it.hasNext();) {
                FetchedRecord r = it.next();
                if (r.part.gone) {
                    it.remove();
                } else if (!hungHere.contains(r.inbound.position().value())) {
                    it.remove();
                    dueRetries.get(r.band).addFirst(r);
                    changed.signalAll();
                } else {
                    move.add(r);
                }
            }
            if (!move.isEmpty()) {
                Integer partition = retryPartitionNotOwned();
                if (partition == null) {
                    return; // this member owns every retry partition: wait for another member to own one
                }
                heldAside.removeAll(move);
            }
        } finally {
            lock.unlock();
        }
        for (FetchedRecord r : move) {
            if (r.transition(FetchedRecord.State.BUFFERED, FetchedRecord.State.SETTLING)) {
                leased.add(r);
                Integer partition = retryPartitionNotOwned();
                if (partition != null) {
                    republish(r, r.inbound.attempt(), 0, r.inbound.firstFailure(), partition);
                }
            }
        }
    }

    /** A retry partition this member does not own, round robin; {@code null} if it owns all of them. */
    private Integer retryPartitionNotOwned() {
        int count = broker.partitionCount(retryTopic);
        Set<Integer> owned = new HashSet<>();
        for (TopicPartition tp : assigned) {
            if (tp.topic().equals(retryTopic)) {
                owned.add(tp.partition());
            }
        }
        for (int i = 0; i < count; i++) {
            int candidate = Math.floorMod(retryRoundRobin++, count);
            if (!owned.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private void commitIfDue(boolean sync) {
        long now = System.nanoTime();
        if (!sync && !commitRequested && now - nextCommitNanos < 0) {
            return;
        }
        commitRequested = false;
        nextCommitNanos = now + broker.settings().commitInterval().toNanos();
        List<AssignedPartition> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(parts.values());
        } finally {
            lock.unlock();
        }
        commit(snapshot, sync);
    }

    private void commit(Collection<AssignedPartition> toCommit, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (AssignedPartition p : toCommit) {
            OffsetAndMetadata point = p.tracker.commitPoint();
            if (point != null && !point.equals(p.lastCommitted)) {
                offsets.put(p.tp, point);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, AssignedPartition> byTp = new HashMap<>();
        toCommit.forEach(p -> byTp.put(p.tp, p));
        try {
            if (sync) {
                consumer.commitSync(offsets, broker.settings().requestTimeout());
                offsets.forEach((tp, o) -> byTp.get(tp).lastCommitted = o);
            } else {
                offsets.forEach((tp, o) -> byTp.get(tp).lastCommitted = o);
                consumer.commitAsync(offsets, (committed, e) -> {
                    if (e != null) {
                        LOG.debug("Committing offsets of {} failed; they are committed again: {}", groupId, e.toString());
                        committed.keySet().forEach(tp -> {
                            AssignedPartition p = byTp.get(tp);
                            if (p != null) {
                                p.lastCommitted = null;
                            }
                        });
                    }
                });
            }
        } catch (WakeupException e) {
            if (sync) {
                commit(toCommit, true);
            }
        } catch (RuntimeException e) {
            LOG.warn("Committing offsets of {} failed: {}", groupId, e.toString());
            offsets.keySet().forEach(tp -> byTp.get(tp).lastCommitted = null);
        }
    }

    /** On revocation: drop what was buffered, wait for handed-out records (not when closing), commit, forget. */
    private void revoke(Collection<TopicPartition> revoked) {
        List<AssignedPartition> gone = new ArrayList<>();
        lock.lock();
        try {
            for (TopicPartition tp : revoked) {
                AssignedPartition p = parts.get(tp);
                if (p != null) {
                    gone.add(p);
                    p.buffered.clear();
                }
            }
            dropRetriesOf(gone);
        } finally {
            lock.unlock();
        }
        if (!closing) {
            long deadline = System.nanoTime() + broker.settings().revokeTimeout().toNanos();
            while (!stopping && hasOutstanding(gone) && System.nanoTime() - deadline < 0) {
                expireLeases();
                idle(Duration.ofMillis(20));
            }
        }
        awaitSettling(gone, Duration.ofSeconds(5));
        commit(gone, true);
        forget(gone);
    }

    private boolean hasOutstanding(List<AssignedPartition> gone) {
        for (FetchedRecord r : leased) {
            if (gone.contains(r.part)) {
                FetchedRecord.State s = r.state();
                if (s == FetchedRecord.State.LEASED || s == FetchedRecord.State.SETTLING) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Waits, briefly, for retry and dead-letter writes under way, so their originals count as complete. */
    private void awaitSettling(Collection<AssignedPartition> of, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() - deadline < 0) {
            boolean settling = false;
            for (FetchedRecord r : leased) {
                if (of.contains(r.part) && r.state() == FetchedRecord.State.SETTLING) {
                    settling = true;
                    break;
                }
            }
            if (!settling) {
                return;
            }
            idle(Duration.ofMillis(10));
        }
    }

    private void dropRetriesOf(Collection<AssignedPartition> gone) {
        for (ArrayDeque<FetchedRecord> q : dueRetries) {
            q.removeIf(r -> gone.contains(r.part));
        }
        heldAside.removeIf(r -> gone.contains(r.part));
        delayed.removeIf(r -> gone.contains(r.part));
    }

    /** Forgets partitions; handed-out records of theirs still unsettled are lost to this member. */
    private void forget(Collection<AssignedPartition> gone) {
        lock.lock();
        try {
            for (AssignedPartition p : gone) {
                p.gone = true;
                p.buffered.clear();
                parts.remove(p.tp);
            }
            dropRetriesOf(gone);
            Set<TopicPartition> now = new HashSet<>(parts.keySet());
            assigned = Set.copyOf(now);
            rebuildBandParts();
            assignmentVersion++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (FetchedRecord r : leased) {
            if (gone.contains(r.part)) {
                synchronized (r) {
                    if (r.state == FetchedRecord.State.LEASED) {
                        r.state = FetchedRecord.State.LOST;
                    }
                }
                if (r.state() == FetchedRecord.State.LOST) {
                    leased.remove(r);
                }
            }
        }
    }

    private void forgetAll() {
        List<AssignedPartition> all;
        lock.lock();
        try {
            all = new ArrayList<>(parts.values());
        } finally {
            lock.unlock();
        }
        forget(all);
    }

    private void assign(Collection<TopicPartition> added) {
        if (added.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(new HashSet<>(added), broker.settings().requestTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Reading committed offsets of {} failed: {}", groupId, e.toString());
            committed = Map.of();
        }
        lock.lock();
        try {
            for (TopicPartition tp : added) {
                boolean retry = tp.topic().equals(retryTopic);
                int band = retry ? PriorityBands.DEFAULT : bandTopics.indexOf(tp.topic());
                parts.put(tp, new AssignedPartition(tp, retry, band, committed == null ? null : committed.get(tp)));
            }
            assigned = Set.copyOf(parts.keySet());
            rebuildBandParts();
            holding = true;
            assignmentVersion++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private void rebuildBandParts() {
        bandParts.forEach(List::clear);
        for (AssignedPartition p : parts.values()) {
            if (!p.retry) {
                bandParts.get(p.band).add(p);
            }
        }
    }

    private void shutdown() {
        try {
            stopping = true;
            if (subscribed) {
                List<AssignedPartition> all;
                lock.lock();
                try {
                    all = new ArrayList<>(parts.values());
                } finally {
                    lock.unlock();
                }
                awaitSettling(all, Duration.ofSeconds(5));
                commit(all, true);
            }
        } catch (RuntimeException e) {
            LOG.warn("Committing offsets of {} on close failed: {}", groupId, e.toString());
        } finally {
            try {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("Closing the consumer of {} failed: {}", groupId, e.toString());
            }
            forgetAll();
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Rebalance callbacks; they run on the fetcher thread, inside {@code poll}. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoke(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assign(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            List<AssignedPartition> gone = new ArrayList<>();
            lock.lock();
            try {
                for (TopicPartition tp : partitions) {
                    AssignedPartition p = parts.get(tp);
                    if (p != null) {
                        gone.add(p);
                    }
                }
            } finally {
                lock.unlock();
            }
            LOG.warn("Member {} of {} lost partitions {} without revoking them; their unfinished messages go to the "
                    + "next owner", options.consumerName(), groupId, partitions);
            forget(gone);
        }
    }

    @Override
    public String toString() {
        return "KafkaConsumerSource{" + groupId + "/" + options.consumerName() + "}";
    }

    /** For tests and diagnostics: records buffered, delayed and leased. */
    String describe() {
        lock.lock();
        try {
            int buffered = 0;
            for (AssignedPartition p : parts.values()) {
                buffered += p.buffered.size();
            }
            int due = 0;
            for (ArrayDeque<FetchedRecord> q : dueRetries) {
                due += q.size();
            }
            return "buffered=" + buffered + ", dueRetries=" + due + ", delayed=" + delayed.size() + ", leased="
                    + leased.size() + ", partitions=" + parts.keySet();
        } finally {
            lock.unlock();
        }
    }
}

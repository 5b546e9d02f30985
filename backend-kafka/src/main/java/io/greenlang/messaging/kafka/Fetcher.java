package io.greenlang.messaging.kafka;

import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's fetcher thread, the only one that touches its {@link KafkaConsumer} (consumer group protocol of
 * KIP-848). It polls continuously, so the member stays in the group however long handlers run; each turn it buffers
 * what it fetched ({@link OwnedPartitions}), paces the partitions ({@link FetchFlowControl}), writes records whose
 * lease ran out back to the group ({@link Leases#expire}, {@link RetryWriter}), moves records held aside to other
 * members, and commits ({@link OffsetCommitter}); rebalance callbacks ({@link RebalanceHandler}) run inside its poll.
 *
 * <p>When every handler hangs, the runtime reports the member stalled ({@link #requestStall}): the fetcher leaves the
 * group until the runtime polls again, so that its partitions, and the records written back, go to other members.
 * On close it commits synchronously without waiting for handlers: they had their grace period.
 */
final class Fetcher {
    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
    private static final Duration FETCH_POLL = Duration.ofMillis(50);

    private final KafkaSettings settings;
    private final SubscriptionOptions options;
    private final List<String> bandTopics;
    private final String retryTopic;
    private final String groupId;
    private final OwnedPartitions partitions;
    private final Leases leases;
    private final RetryWriter retryWriter;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RecordDecoder decoder;
    private final FetchFlowControl flowControl;
    private final OffsetCommitter committer;
    private final RebalanceHandler rebalance;
    private final Thread thread;

    private volatile boolean stopping;
    private volatile boolean closing;
    private volatile boolean stallRequested;
    private volatile long lastRuntimePollNanos = System.nanoTime();
    private volatile String memberId;
    private volatile RuntimeException failure;
    private boolean subscribed; // fetcher thread only
    private long leftAtNanos; // fetcher thread only

    Fetcher(KafkaBroker broker, SubscriptionOptions options, List<String> bandTopics, String retryTopic,
            String groupId, OwnedPartitions partitions, Leases leases, RetryWriter retryWriter) {
        this.settings = broker.settings();
        this.options = options;
        this.bandTopics = bandTopics;
        this.retryTopic = retryTopic;
        this.groupId = groupId;
        this.partitions = partitions;
        this.leases = leases;
        this.retryWriter = retryWriter;
        this.consumer = new KafkaConsumer<>(consumerProperties(broker, options, groupId), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.decoder = new RecordDecoder(options.topic(), retryTopic);
        this.flowControl = new FetchFlowControl(consumer);
        this.committer = new OffsetCommitter(consumer, settings, groupId);
        this.rebalance = new RebalanceHandler(consumer, settings, bandTopics, retryTopic, groupId,
                options.consumerName(), partitions, leases, committer, this::awaitSettlement);
        this.thread = new Thread(this::run, "greenlang-kafka-fetcher-" + groupId + "/" + options.consumerName());
        this.thread.setDaemon(true);
    }

    private static Map<String, Object> consumerProperties(KafkaBroker broker, SubscriptionOptions options,
            String groupId) {
        KafkaSettings settings = broker.settings();
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-" + options.consumerName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                settings.revokeTimeout().toMillis() + 60_000));
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, broker.maxRecordBytes()));
        settings.clientProperties().forEach(props::put);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return props;
    }

    void start() {
        thread.start();
    }

    /** Stops fetching, commits what completed and leaves the group; waits for the thread, bounded. */
    void close() {
        closing = true;
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(settings.requestTimeout().toMillis() + 15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** Why the fetcher stopped on its own, or {@code null}. */
    RuntimeException failure() {
        return failure;
    }

    String memberId() {
        return memberId;
    }

    /** The runtime polls: its handlers take records, so a member that left the group rejoins. */
    void runtimePolled(long nowNanos) {
        lastRuntimePollNanos = nowNanos;
        stallRequested = false;
    }

    /** Every handler hangs: the fetcher leaves the group until the runtime polls again. */
    void requestStall() {
        stallRequested = true; // seen within one poll (not woken: that could abort its leaving)
    }

    void requestCommit() {
        committer.request();
    }

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
            failure = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
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
        flowControl.update(partitions.levels());
        expireLeases();
        moveHeldAside();
        committer.commitIfDue(partitions::all);
    }

    private void subscribe() {
        List<String> topics = new ArrayList<>(bandTopics);
        topics.add(retryTopic);
        consumer.subscribe(topics, rebalance);
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
        rebalance.forgetAll();
    }

    private void idle(Duration d) {
        if (!partitions.await(d)) {
            stopping = true;
        }
    }

    private void ingest(ConsumerRecords<byte[], byte[]> records) {
        List<FetchedRecord> fetched = new ArrayList<>(records.count());
        for (TopicPartition tp : records.partitions()) {
            AssignedPartition p = partitions.get(tp);
            if (p == null) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> cr : records.records(tp)) {
                if (!p.tracker.fetched(cr.offset())) {
                    continue; // completed before a restart or rebalance
                }
                fetched.add(decoder.decode(p, cr));
            }
        }
        partitions.offer(fetched, leases::isHungHere);
    }

    /** Writes records whose lease ran out back to the group, with the attempt raised for those a handler had. */
    private void expireLeases() {
        leases.expire(System.nanoTime(), retryWriter::expired);
    }

    /**
     * Retry records whose handler here hangs and that came back to this member: each goes to a retry partition
     * another member owns as soon as there is one (same attempt: it was not handed over here), or is handed out
     * here once its handler returned.
     */
    private void moveHeldAside() {
        retryWriter.moveAway(partitions.takeHeldAside(leases::isHungHere, retryWriter::canMoveAway));
    }

    /**
     * Before revoked partitions are committed: unless closing, waits (bounded by {@code revoke-timeout}) until the
     * records handed out from them are settled or their leases ran out; then, briefly, for writes under way.
     */
    private void awaitSettlement(List<AssignedPartition> revoked) {
        if (!closing) {
            long deadline = System.nanoTime() + settings.revokeTimeout().toNanos();
            while (!stopping && leases.hasOutstanding(revoked) && System.nanoTime() - deadline < 0) {
                expireLeases();
                idle(Duration.ofMillis(20));
            }
        }
        awaitWrites(revoked, Duration.ofSeconds(5));
    }

    /** Waits, briefly, for retry and dead-letter writes under way, so their originals count as complete. */
    private void awaitWrites(List<AssignedPartition> of, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() - deadline < 0 && leases.hasSettling(of)) {
            idle(Duration.ofMillis(10));
        }
    }

    private void shutdown() {
        try {
            stopping = true;
            if (subscribed) {
                List<AssignedPartition> all = partitions.all();
                awaitWrites(all, Duration.ofSeconds(5));
                committer.commit(all, true);
            }
        } catch (RuntimeException e) {
            LOG.warn("Committing offsets of {} on close failed: {}", groupId, e.toString());
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.warn("Closing the consumer of {} failed: {}", groupId, e.toString());
            }
            rebalance.forgetAll();
            partitions.signalAll();
        }
    }
}

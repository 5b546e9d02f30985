package io.greenlang.messaging.kafka;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.PublishFuture;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker on Apache Kafka ({@code kafka://host1:9092,host2:9092}): see {@link KafkaBrokerProvider} for the options
 * and the package documentation for the design.
 *
 * <p>One idempotent {@link KafkaProducer} (acks {@code all} by default) is shared by every publish, retry and dead
 * letter; one {@link Admin} client creates topics on first use and answers lag and health; each subscription owns a
 * consumer ({@link KafkaConsumerSource}). Thread-safe.
 */
public final class KafkaBroker extends AbstractBroker {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration PARTITION_CACHE_TTL = Duration.ofSeconds(30);
    private static final int PARTITION_CHECK_EVERY = 1024;

    private final KafkaSettings settings;
    private final KafkaCalls calls;
    private final KafkaClients clients;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final LogReader reader;
    private final Map<String, CompletableFuture<Void>> ensured = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> bandsReady = new ConcurrentHashMap<>();
    private final Map<String, String[]> bandTopicNames = new ConcurrentHashMap<>();
    private final Map<String, PartitionCount> partitionCounts = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final Set<KafkaConsumerSource> sources = ConcurrentHashMap.newKeySet();
    private final GroupSessionTimeout sessionTimeouts = new GroupSessionTimeout(this);

    private record PartitionCount(int count, long expiresNanos) {
    }

    /**
     * Connects: creates the clients and checks that the cluster answers.
     *
     * @throws io.greenlang.messaging.ConfigurationException if an option is invalid
     * @throws ConnectionException if no broker answers within the request timeout
     * @throws AuthenticationException if the broker refuses the credentials
     */
    public KafkaBroker(BrokerConfig config) {
        super("kafka", config, declaredCapabilities());
        this.settings = new KafkaSettings(config);
        this.calls = new KafkaCalls(settings.requestTimeout());
        this.clients = KafkaClients.connect(settings, calls, name());
        this.admin = clients.admin();
        this.producer = clients.producer();
        this.reader = new LogReader(this);
    }

    private static Capabilities declaredCapabilities() {
        return Capabilities.builder()
                .emulated(Capability.RETRY_WITH_BACKOFF, "a retry topic per topic and group; the member that owns "
                        + "a retry partition holds each record until it is due, without stopping other partitions")
                .emulated(Capability.DEAD_LETTER_QUEUE, "a dead-letter topic per topic and group, failure in headers; "
                        + "replays and purges are recorded in the same topic")
                .emulated(Capability.TIME_TO_LIVE, "expiry is checked by the consumer before every hand-over; "
                        + "retention.ms bounds the log")
                .emulated(Capability.PRIORITY, "three topics per topic (priorities 0-3, 4-6, 7-9); the consumer "
                        + "serves the highest band first and every 10th delivery to a waiting lower band")
                .emulated(Capability.LEASES, "per-message leases kept by the consumer on top of partition "
                        + "ownership; an expired lease is re-published to the group's retry topic with attempt + 1")
                .emulated(Capability.READ_FROM_POSITION, "partitions and bands merged by broker append time, "
                        + "then message id")
                .unsupported(Capability.CONDITIONAL_APPEND, "Kafka cannot compare a topic's version and append in "
                        + "one atomic step: there is no conditional produce, and transactional fencing would leave "
                        + "control records in the log, so offsets stop counting messages. Use one writer per "
                        + "topic, or the in-memory or Redis backend, for optimistic concurrency")
                .build();
    }

    /** See {@link KafkaClients#maxRecordBytes}. */
    int maxRecordBytes() {
        return KafkaClients.maxRecordBytes(settings);
    }

    KafkaSettings settings() {
        return settings;
    }

    Admin admin() {
        return admin;
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    LogReader reader() {
        return reader;
    }

    // ---------------------------------------------------------------------------------------------- topics

    /** Creates the topic's band topics if they do not exist; completes when they do. */
    CompletableFuture<Void> ensureBandTopics(String topic) {
        CompletableFuture<Void> ready = bandsReady.get(topic);
        if (ready != null && !ready.isCompletedExceptionally()) {
            return ready;
        }
        ready = createBandTopics(topic);
        bandsReady.put(topic, ready);
        return ready;
    }

    private CompletableFuture<Void> createBandTopics(String topic) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String t : TopicNames.bandTopics(topic)) {
            all.add(ensureTopic(t, settings.partitions(), true));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Creates a Kafka topic if it does not exist, with the configured replication, retention and append-time
     * timestamps; remembered for the broker's life, so only the first use costs a round trip.
     */
    CompletableFuture<Void> ensureTopic(String name, int partitions, boolean logAppendTime) {
        CompletableFuture<Void> f = ensured.get(name);
        if (f != null && !f.isCompletedExceptionally()) {
            return f;
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        CompletableFuture<Void> previous = f == null ? ensured.putIfAbsent(name, created)
                : (ensured.replace(name, f, created) ? null : ensured.get(name));
        if (previous != null) {
            return previous;
        }
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retention().toMillis()));
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes()));
        if (logAppendTime) {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        settings.minInsyncReplicas().ifPresent(n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Integer.toString(n)));
        NewTopic topic = new NewTopic(name, java.util.Optional.of(partitions), settings.replicationFactor())
                .configs(configs);
        admin.createTopics(List.of(topic)).all().toCompletionStage().whenComplete((ok, failure) -> {
            Throwable cause = unwrap(failure);
            if (cause == null || cause instanceof TopicExistsException) {
                awaitLeaders(name, System.nanoTime() + settings.requestTimeout().toNanos(), created);
            } else {
                created.completeExceptionally(translate("Creating Kafka topic " + name, cause));
            }
        });
        return created;
    }

    /**
     * Completes {@code done} once every partition's leader serves the new topic (answers ListOffsets). A produce
     * racing the leader's creation of the partition gets NOT_LEADER_OR_FOLLOWER, and the idempotent producer can
     * then keep failing the batches behind it with OUT_OF_ORDER_SEQUENCE_NUMBER; waiting here avoids that.
     */
    private void awaitLeaders(String name, long deadlineNanos, CompletableFuture<Void> done) {
        admin.describeTopics(List.of(name)).allTopicNames().toCompletionStage()
                .thenCompose(d -> {
                    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
                    d.get(name).partitions().forEach(p -> specs.put(new TopicPartition(name, p.partition()),
                            OffsetSpec.latest()));
                    return admin.listOffsets(specs).all().toCompletionStage();
                })
                .whenComplete((offsets, failure) -> {
                    Throwable cause = unwrap(failure);
                    if (cause == null) {
                        done.complete(null);
                    } else if (cause instanceof org.apache.kafka.common.errors.RetriableException
                            && System.nanoTime() - deadlineNanos < 0) {
                        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
                                .execute(() -> awaitLeaders(name, deadlineNanos, done));
                    } else {
                        done.completeExceptionally(translate("Waiting for the leaders of new topic " + name, cause));
                    }
                });
    }

    /** The partition count of a topic, cached for a while; the topic must exist. */
    int partitionCount(String topic) {
        return partitionCount(topic, true);
    }

    /**
     * As {@link #partitionCount(String)}; with {@code checkAge} false a cached count is taken however old, so that
     * keyless publishes read the clock only once every {@value #PARTITION_CHECK_EVERY} sends.
     */
    private int partitionCount(String topic, boolean checkAge) {
        PartitionCount c = partitionCounts.get(topic);
        if (c != null && !checkAge) {
            return c.count();
        }
        long now = System.nanoTime();
        if (c != null && now - c.expiresNanos() < 0) {
            return c.count();
        }
        List<PartitionInfo> infos = producer.partitionsFor(topic);
        int n = infos == null || infos.isEmpty() ? 1 : infos.size();
        partitionCounts.put(topic, new PartitionCount(n, now + PARTITION_CACHE_TTL.toNanos()));
        return n;
    }

    // ---------------------------------------------------------------------------------------------- publishing

    @Override
    protected void doPublish(Message message, PublishFuture<PublishResult> result) {
        String topic = TopicNames.requireUserTopic(message.topic());
        byte[] value = WireFormat.encodeWithoutTopic(message); // the Kafka topic names it
        CompletableFuture<Void> ready = ensureBandTopics(topic);
        if (!ready.isDone()) {
            // the first use of a topic waits for its creation on the caller's thread, so that sends keep the
            // order of the calls (dependent stages of one future would run in reverse order)
            await(ready, "Creating the topics of " + topic);
        }
        if (ready.isCompletedExceptionally()) {
            ready.whenComplete((ok, failure) -> result.fail(failure));
            return;
        }
        send(message, value, result::settle);
    }

    @Override
    protected void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> all) {
        Set<String> topics = new HashSet<>();
        List<byte[]> values = new ArrayList<>(messages.size());
        for (Message m : messages) {
            topics.add(TopicNames.requireUserTopic(m.topic()));
            values.add(WireFormat.encodeWithoutTopic(m));
        }
        for (String t : topics) {
            await(ensureBandTopics(t), "Creating the topics of " + t);
        }
        // one countdown for the batch rather than a future per message joined by allOf: the producer's network
        // thread, which runs these callbacks, is the client's busiest
        int n = messages.size();
        PublishResult[] results = new PublishResult[n];
        AtomicInteger pending = new AtomicInteger(n);
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            send(messages.get(i), values.get(i), (result, failure) -> {
                if (failure != null) {
                    firstFailure.compareAndSet(null, failure);
                } else {
                    results[index] = result;
                }
                if (pending.decrementAndGet() == 0) { // every send has its outcome: the batch has its own
                    Throwable t = firstFailure.get();
                    if (t != null) {
                        all.fail(t);
                    } else {
                        all.succeed(List.of(results));
                    }
                }
            });
        }
    }

    /** Sends one message; {@code outcome} gets its result or its translated failure, exactly once. */
    private void send(Message message, byte[] value, BiConsumer<PublishResult, MessagingException> outcome) {
        int band = PriorityBands.of(message.priority());
        String kafkaTopic = band == PriorityBands.DEFAULT ? message.topic()
                : bandTopicNames.computeIfAbsent(message.topic(), t -> TopicNames.bandTopics(t).toArray(new String[0]))[band];
        byte[] key = KafkaRecords.key(message);
        Integer partition = null;
        if (key == null) {
            // keyless messages go round-robin, one by one, so that every member of a group gets work
            int sequence = roundRobin.getAndIncrement();
            partition = Math.floorMod(sequence, partitionCount(kafkaTopic, sequence % PARTITION_CHECK_EVERY == 0));
        }
        try {
            producer.send(new ProducerRecord<>(kafkaTopic, partition, null, key, value), (md, e) -> {
                if (e != null) {
                    outcome.accept(null, translate("Publishing message " + message.id() + " to " + message.topic(),
                            e));
                } else {
                    outcome.accept(new PublishResult(message.id(), message.topic(),
                            KafkaRecords.position(band, md.partition(), md.offset())), null);
                }
            });
        } catch (RuntimeException e) {
            outcome.accept(null, translate("Publishing message " + message.id() + " to " + message.topic(), e));
        }
    }

    /** Sends a record of the backend's own (retry, dead letter, marker); completes with its metadata. */
    CompletableFuture<RecordMetadata> sendInternal(String topic, Integer partition, byte[] key, byte[] value,
            Headers headers) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, partition, null, key, value, headers), (md, e) -> {
                if (e != null) {
                    result.completeExceptionally(translate("Writing to Kafka topic " + topic, e));
                } else {
                    result.complete(md);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(translate("Writing to Kafka topic " + topic, e));
        }
        return result;
    }

    /** Stores a dead letter in the topic's and group's dead-letter topic. */
    CompletableFuture<RecordMetadata> storeDeadLetter(String topic, String group, DeadLetterRequest request,
            Position position) {
        String dlq = TopicNames.deadLetterTopic(topic, group);
        byte[] value = WireFormat.encode(request.message());
        CompletableFuture<Void> ready = ensureTopic(dlq, 1, false);
        if (!ready.isDone()) {
            await(ready, "Creating dead-letter topic " + dlq); // keeps the letters in the order they came
        }
        return ready.thenCompose(ok -> sendInternal(dlq, 0, KafkaRecords.key(request.message()),
                value, KafkaRecords.letterHeaders(request, position)));
    }

    // ---------------------------------------------------------------------------------------------- consuming

    @Override
    protected ConsumerSource openConsumer(SubscriptionOptions options) {
        String topic = TopicNames.requireUserTopic(options.topic());
        String group = options.group();
        List<String> bands = TopicNames.bandTopics(topic);
        String retry = TopicNames.retryTopic(topic, group);
        String groupId = TopicNames.groupId(topic, group);
        await(CompletableFuture.allOf(ensureBandTopics(topic), ensureTopic(retry, settings.partitions(), false)),
                "Creating the topics of " + topic + " for group " + group);
        initializeGroup(groupId, bands, retry, options.startPosition());
        sessionTimeouts.apply(groupId);
        KafkaConsumerSource source = new KafkaConsumerSource(this, options, bands, retry, groupId);
        sources.add(source);
        source.start();
        return source;
    }

    @Override
    protected void awaitMemberReady(ConsumerSource source) {
        KafkaConsumerSource member = (KafkaConsumerSource) source;
        awaitJoin(member, member.groupId());
    }

    void forget(KafkaConsumerSource source) {
        sources.remove(source);
    }

    /**
     * Creates the group at its start position if it has no committed offsets yet: band partitions at their end
     * (LATEST) or beginning (EARLIEST), retry partitions at their beginning. Partitions added later start at their
     * beginning ({@code auto.offset.reset=earliest}), since everything in them is newer than the group.
     */
    private void initializeGroup(String groupId, List<String> bands, String retry, StartPosition start) {
        String what = "Creating consumer group " + groupId;
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(groupId);
        Set<String> bandSet = new HashSet<>(bands);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            if (e.getValue() != null && bandSet.contains(e.getKey().topic())) {
                return; // the group exists
            }
        }
        List<String> all = new ArrayList<>(bands);
        all.add(retry);
        retrying(what, () -> {
            setStartOffsets(groupId, all, bandSet, start, what);
            return null;
        });
    }

    /** See {@link KafkaCalls#retrying}. */
    <T> T retrying(String what, java.util.function.Supplier<T> step) {
        return calls.retrying(what, step);
    }

    private void setStartOffsets(String groupId, List<String> all, Set<String> bandSet, StartPosition start,
            String what) {
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(all).allTopicNames()
                .toCompletionStage(), what);
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicDescription d : descriptions.values()) {
            boolean isBand = bandSet.contains(d.name());
            OffsetSpec spec = isBand && start == StartPosition.LATEST ? OffsetSpec.latest() : OffsetSpec.earliest();
            d.partitions().forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), spec));
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = await(admin.listOffsets(specs).all()
                .toCompletionStage(), what);
        Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
        offsets.forEach((tp, info) -> initial.put(tp, new OffsetAndMetadata(info.offset())));
        try {
            await(admin.alterConsumerGroupOffsets(groupId, initial).all().toCompletionStage(), what);
        } catch (MessagingException e) {
            Throwable c = e.getCause();
            if (!(c instanceof GroupNotEmptyException || c instanceof UnknownMemberIdException)) {
                throw e;
            }
            // another member joined meanwhile and created the group itself
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String groupId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = await(admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().toCompletionStage(), "Reading the offsets of group " + groupId);
            return m == null ? Map.of() : m;
        } catch (MessagingException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
    }

    /**
     * Waits until the new member owns what the group coordinator means it to own (its target assignment), so that
     * work published right after {@code subscribe} returns is spread over every member; its handlers already take
     * what it owns meanwhile. Bounded by option {@code join-timeout}: a member still waiting for partitions that
     * others hand over only when their running handlers finish returns anyway and gets them later.
     */
    private void awaitJoin(KafkaConsumerSource source, String groupId) {
        long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
        while (System.nanoTime() - deadline < 0) {
            String memberId = source.memberId();
            Set<TopicPartition> owned = source.assignedPartitions();
            if (memberId != null && !memberId.isEmpty()) {
                try {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                            .get(groupId).get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    boolean targetCurrent = d.groupEpoch().isPresent()
                            && d.groupEpoch().equals(d.targetAssignmentEpoch());
                    for (MemberDescription m : targetCurrent ? d.members() : List.<MemberDescription>of()) {
                        if (m.consumerId().equals(memberId) && m.targetAssignment().isPresent()
                                && m.targetAssignment().get().topicPartitions().equals(owned)) {
                            return;
                        }
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.debug("Describing group {} failed: {}", groupId, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (source.awaitAssignmentChange(Duration.ofMillis(100))) {
                return; // the source stopped
            }
        }
        LOG.debug("Member {} of group {} started before the group settled (join-timeout {})",
                source.memberId(), groupId, settings.joinTimeout());
    }

    // ---------------------------------------------------------------------------------------------- reading

    @Override
    protected List<RecordedMessage> doRead(String topic, Position after, int max) {
        TopicNames.requireUserTopic(topic);
        if (!after.isBeginning()) {
            KafkaRecords.parsePosition(after);
        }
        return reader.read(topic, after, max);
    }

    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String group) {
        TopicNames.requireUserTopic(topic);
        return new KafkaDeadLetterQueue(this, topic, group);
    }

    @Override
    protected ConsumerLag doLag(String topic, String group) {
        TopicNames.requireUserTopic(topic);
        String groupId = TopicNames.groupId(topic, group);
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(groupId);
        if (committed.isEmpty()) {
            return new ConsumerLag(topic, group, 0, 0);
        }
        List<String> topics = new ArrayList<>(TopicNames.bandTopics(topic));
        topics.add(TopicNames.retryTopic(topic, group));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        try {
            Map<String, TopicDescription> d = await(admin.describeTopics(topics).allTopicNames().toCompletionStage(),
                    "Describing " + topics);
            d.values().forEach(td -> td.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(td.name(), p.partition());
                latest.put(tp, OffsetSpec.latest());
                earliest.put(tp, OffsetSpec.earliest());
            }));
        } catch (MessagingException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new ConsumerLag(topic, group, 0, 0);
            }
            throw e;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = await(admin.listOffsets(latest).all()
                .toCompletionStage(), "Reading end offsets of " + topic);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = await(admin.listOffsets(earliest).all()
                .toCompletionStage(), "Reading start offsets of " + topic);
        long total = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long from = c != null ? c.offset() : starts.get(e.getKey()).offset();
            long done = c != null ? PartitionTracker.completedAbove(c) : 0;
            total += Math.max(0, e.getValue().offset() - from - done);
        }
        long pending = 0;
        for (KafkaConsumerSource s : sources) {
            if (s.groupId().equals(groupId)) {
                pending += s.leasedCount();
            }
        }
        pending = Math.min(pending, total);
        return new ConsumerLag(topic, group, total - pending, pending);
    }

    // ---------------------------------------------------------------------------------------------- health, close

    @Override
    protected Map<String, String> doHealthCheck() {
        return clients.describeCluster(Duration.ofSeconds(5));
    }

    @Override
    protected void doClose() {
        try {
            reader.close();
        } finally {
            clients.close();
        }
    }

    /** The broker's redacted URL: no secrets. */
    @Override
    public String toString() {
        return "KafkaBroker{" + name() + (isClosed() ? ", closed" : "") + "}";
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** See {@link KafkaCalls#await}. */
    <T> T await(CompletionStage<T> stage, String what) {
        return calls.await(stage, what);
    }

    private static Throwable unwrap(Throwable t) {
        return KafkaErrors.unwrap(t);
    }

    private static MessagingException translate(String what, Throwable failure) {
        return KafkaErrors.translate(what, failure);
    }
}

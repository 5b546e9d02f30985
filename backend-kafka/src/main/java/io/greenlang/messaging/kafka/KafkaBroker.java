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
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.PublishFuture;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
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

    private final KafkaSettings settings;
    private final KafkaCalls calls;
    private final KafkaClients clients;
    private final Admin admin;
    private final KafkaTopics topics;
    private final PartitionCounts partitionCounts;
    private final KafkaPublisher publisher;
    private final LogReader reader;
    private final Set<KafkaConsumerSource> sources = ConcurrentHashMap.newKeySet();
    private final GroupSessionTimeout sessionTimeouts = new GroupSessionTimeout(this);

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
        this.topics = new KafkaTopics(admin, settings);
        this.partitionCounts = new PartitionCounts(clients.producer()::partitionsFor);
        this.publisher = new KafkaPublisher(clients.producer(), topics, partitionCounts, calls);
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

    LogReader reader() {
        return reader;
    }

    /** See {@link KafkaTopics#ensureTopic}. */
    CompletableFuture<Void> ensureTopic(String name, int partitions, boolean logAppendTime) {
        return topics.ensureTopic(name, partitions, logAppendTime);
    }

    /** The partition count of a topic, cached for a while; the topic must exist. */
    int partitionCount(String topic) {
        return partitionCounts.of(topic);
    }

    // ---------------------------------------------------------------------------------------------- publishing

    @Override
    protected void doPublish(Message message, PublishFuture<PublishResult> result) {
        publisher.publish(message, result);
    }

    @Override
    protected void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> all) {
        publisher.publishAll(messages, all);
    }

    /** See {@link KafkaPublisher#sendInternal}. */
    CompletableFuture<RecordMetadata> sendInternal(String topic, Integer partition, byte[] key, byte[] value,
            Headers headers) {
        return publisher.sendInternal(topic, partition, key, value, headers);
    }

    /** See {@link KafkaPublisher#storeDeadLetter}. */
    CompletableFuture<RecordMetadata> storeDeadLetter(String topic, String group, DeadLetterRequest request,
            Position position) {
        return publisher.storeDeadLetter(topic, group, request, position);
    }

    // ---------------------------------------------------------------------------------------------- consuming

    @Override
    protected ConsumerSource openConsumer(SubscriptionOptions options) {
        String topic = TopicNames.requireUserTopic(options.topic());
        String group = options.group();
        List<String> bands = TopicNames.bandTopics(topic);
        String retry = TopicNames.retryTopic(topic, group);
        String groupId = TopicNames.groupId(topic, group);
        await(CompletableFuture.allOf(topics.ensureBandTopics(topic),
                topics.ensureTopic(retry, settings.partitions(), false)),
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
}

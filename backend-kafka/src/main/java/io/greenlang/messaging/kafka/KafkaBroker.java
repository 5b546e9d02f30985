package io.greenlang.messaging.kafka;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.PublishFuture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

/**
 * A broker on Apache Kafka ({@code kafka://host1:9092,host2:9092}): see {@link KafkaBrokerProvider} for the options
 * and the package documentation for the design.
 *
 * <p>This class puts the parts together: {@link KafkaClients} (one admin client, one idempotent producer shared by
 * every publish, retry and dead letter), {@link KafkaTopics} (topics created on first use), {@link KafkaPublisher},
 * {@link ConsumerGroups} and a {@link KafkaConsumerSource} per subscription, {@link LogReader} for reads,
 * {@link KafkaDeadLetterQueue} and {@link GroupLag}. Thread-safe.
 */
public final class KafkaBroker extends AbstractBroker {
    private final KafkaSettings settings;
    private final KafkaCalls calls;
    private final KafkaClients clients;
    private final KafkaTopics topics;
    private final PartitionCounts partitionCounts;
    private final KafkaPublisher publisher;
    private final ImmediateSends immediateSends;
    private final ConsumerGroups groups;
    private final Set<KafkaConsumerSource> sources = ConcurrentHashMap.newKeySet();
    private final GroupLag lag;
    private final LogReader reader;

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
        this.topics = new KafkaTopics(clients.admin(), settings);
        this.partitionCounts = new PartitionCounts(clients.producer()::partitionsFor);
        this.publisher = new KafkaPublisher(clients.producer(), topics, partitionCounts, calls);
        this.groups = new ConsumerGroups(clients.admin(), settings, calls, new GroupSessionTimeout(this));
        this.lag = new GroupLag(clients.admin(), calls, groups, sources);
        this.reader = new LogReader(this);
        this.immediateSends = new ImmediateSends(clients.producer(), settings.clientId());
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

    // ---------------------------------------------------------------------------------------------- publishing

    /**
     * Publishes and waits, without waiting out the producer's linger: the producer sends at once (see
     * {@link ImmediateSends}), so a handler that publishes to the next topic is not held to one message per
     * linger. {@link #publishAsync} keeps the linger, which batches concurrent publishes.
     */
    @Override
    public PublishResult publish(Message message) {
        return awaitNow(publishAsync(message));
    }

    /** Publishes a batch and waits, without waiting out the producer's linger; see {@link #publish(Message)}. */
    @Override
    public List<PublishResult> publishAll(List<Message> messages) {
        return awaitNow(publishAllAsync(messages));
    }

    private <T> T awaitNow(CompletionStage<T> publish) {
        if (!publish.toCompletableFuture().isDone()) {
            immediateSends.request();
        }
        return Broker.await(publish);
    }

    @Override
    protected void doPublish(Message message, PublishFuture<PublishResult> result) {
        publisher.publish(message, result);
    }

    @Override
    protected void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> all) {
        publisher.publishAll(messages, all);
    }

    // ---------------------------------------------------------------------------------------------- consuming

    @Override
    protected ConsumerSource openConsumer(SubscriptionOptions options) {
        String topic = TopicNames.requireUserTopic(options.topic());
        String group = options.group();
        List<String> bands = TopicNames.bandTopics(topic);
        String retry = TopicNames.retryTopic(topic, group);
        String groupId = TopicNames.groupId(topic, group);
        calls.await(CompletableFuture.allOf(topics.ensureBandTopics(topic),
                topics.ensureTopic(retry, settings.partitions(), false)),
                "Creating the topics of " + topic + " for group " + group);
        groups.prepare(groupId, bands, retry, options.startPosition());
        KafkaConsumerSource source = new KafkaConsumerSource(this, options, bands, retry, groupId);
        sources.add(source);
        source.start();
        return source;
    }

    @Override
    protected void awaitMemberReady(ConsumerSource source) {
        KafkaConsumerSource member = (KafkaConsumerSource) source;
        groups.awaitJoin(member, member.groupId());
    }

    // ---------------------------------------------------------------------------------------------- reading, lag

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
        return lag.of(topic, group);
    }

    // ---------------------------------------------------------------------------------------------- health, close

    @Override
    protected Map<String, String> doHealthCheck() {
        return clients.describeCluster(Duration.ofSeconds(5));
    }

    @Override
    protected void doClose() {
        try {
            immediateSends.close();
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

    // ------------------------------------------------------------- shared with the consumers, the reader, the queues

    KafkaSettings settings() {
        return settings;
    }

    Admin admin() {
        return clients.admin();
    }

    LogReader reader() {
        return reader;
    }

    /** See {@link KafkaClients#maxRecordBytes}. */
    int maxRecordBytes() {
        return KafkaClients.maxRecordBytes(settings);
    }

    /** See {@link KafkaCalls#await}. */
    <T> T await(CompletionStage<T> stage, String what) {
        return calls.await(stage, what);
    }

    /** See {@link KafkaCalls#retrying}. */
    <T> T retrying(String what, Supplier<T> step) {
        return calls.retrying(what, step);
    }

    /** See {@link KafkaTopics#ensureTopic}. */
    CompletableFuture<Void> ensureTopic(String name, int partitions, boolean logAppendTime) {
        return topics.ensureTopic(name, partitions, logAppendTime);
    }

    /** The partition count of a topic, cached for a while; the topic must exist. */
    int partitionCount(String topic) {
        return partitionCounts.of(topic);
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

    /** Called by a consumer when it stops: its leases no longer count as pending. */
    void forget(KafkaConsumerSource source) {
        sources.remove(source);
    }
}

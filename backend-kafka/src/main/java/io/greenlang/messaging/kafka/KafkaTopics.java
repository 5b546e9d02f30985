package io.greenlang.messaging.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the Kafka topics the backend uses, on first use: a topic's three band topics ({@link TopicNames}), and
 * the retry and dead-letter topics of its groups. Each is created with the configured partitions, replication,
 * retention and record size limit, and is ready once every partition's leader serves it. What was created is
 * remembered for the broker's life, so only the first use of a topic costs round trips; a failed creation is tried
 * again at the next use. Thread-safe.
 */
final class KafkaTopics {
    private static final long LEADER_CHECK_PAUSE_MILLIS = 50;

    private final Admin admin;
    private final KafkaSettings settings;
    private final Map<String, CompletableFuture<Void>> ensured = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> bandsReady = new ConcurrentHashMap<>();

    KafkaTopics(Admin admin, KafkaSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

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
     * Creates a Kafka topic if it does not exist (see {@link #newTopic}); remembered for the broker's life, so only
     * the first use costs a round trip.
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
        admin.createTopics(List.of(newTopic(name, partitions, logAppendTime))).all().toCompletionStage()
                .whenComplete((ok, failure) -> {
                    Throwable cause = KafkaErrors.unwrap(failure);
                    if (cause == null || cause instanceof TopicExistsException) {
                        awaitLeaders(name, System.nanoTime() + settings.requestTimeout().toNanos(), created);
                    } else {
                        created.completeExceptionally(KafkaErrors.translate("Creating Kafka topic " + name, cause));
                    }
                });
        return created;
    }

    /**
     * A topic with the configured replication, retention and {@code max.message.bytes}, and broker append-time
     * timestamps if {@code logAppendTime} (the band topics: {@link LogReader} orders by them).
     */
    NewTopic newTopic(String name, int partitions, boolean logAppendTime) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(settings.retention().toMillis()));
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(KafkaClients.maxRecordBytes(settings)));
        if (logAppendTime) {
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
        settings.minInsyncReplicas().ifPresent(n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Integer.toString(n)));
        return new NewTopic(name, Optional.of(partitions), settings.replicationFactor()).configs(configs);
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
                    Throwable cause = KafkaErrors.unwrap(failure);
                    if (cause == null) {
                        done.complete(null);
                    } else if (cause instanceof RetriableException && System.nanoTime() - deadlineNanos < 0) {
                        CompletableFuture.delayedExecutor(LEADER_CHECK_PAUSE_MILLIS, TimeUnit.MILLISECONDS)
                                .execute(() -> awaitLeaders(name, deadlineNanos, done));
                    } else {
                        done.completeExceptionally(KafkaErrors.translate("Waiting for the leaders of new topic "
                                + name, cause));
                    }
                });
    }
}

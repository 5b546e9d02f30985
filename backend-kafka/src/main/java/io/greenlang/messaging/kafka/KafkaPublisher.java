package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.PublishFuture;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;

/**
 * Writes records through the broker's one producer: published messages, each to the band topic of its priority
 * (keyed by its partition key, or round-robin over the partitions when it has none), and the backend's own
 * records (retries, dead letters, replay markers). A topic's first publish creates its topics on the caller's
 * thread. Thread-safe.
 */
final class KafkaPublisher {
    /** Keyless sends read the clock for a fresh partition count once every this many sends. */
    private static final int PARTITION_CHECK_EVERY = 1024;

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaTopics topics;
    private final PartitionCounts partitionCounts;
    private final KafkaCalls calls;
    private final Map<String, String[]> bandTopicNames = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();

    KafkaPublisher(KafkaProducer<byte[], byte[]> producer, KafkaTopics topics, PartitionCounts partitionCounts,
            KafkaCalls calls) {
        this.producer = producer;
        this.topics = topics;
        this.partitionCounts = partitionCounts;
        this.calls = calls;
    }

    /** Publishes one message; {@code result} settles when the producer has its acknowledgement. */
    void publish(Message message, PublishFuture<PublishResult> result) {
        String topic = TopicNames.requireUserTopic(message.topic());
        byte[] value = WireFormat.encodeWithoutTopic(message); // the Kafka topic names it
        CompletableFuture<Void> ready = topics.ensureBandTopics(topic);
        if (!ready.isDone()) {
            // the first use of a topic waits for its creation on the caller's thread, so that sends keep the
            // order of the calls (dependent stages of one future would run in reverse order)
            calls.await(ready, "Creating the topics of " + topic);
        }
        if (ready.isCompletedExceptionally()) {
            ready.whenComplete((ok, failure) -> result.fail(failure));
            return;
        }
        send(message, value, result::settle);
    }

    /** Publishes a batch in one producer batch; {@code all} fails with the first failure, if any. */
    void publishAll(List<Message> messages, PublishFuture<List<PublishResult>> all) {
        Set<String> names = new HashSet<>();
        List<byte[]> values = new ArrayList<>(messages.size());
        for (Message m : messages) {
            names.add(TopicNames.requireUserTopic(m.topic()));
            values.add(WireFormat.encodeWithoutTopic(m));
        }
        for (String t : names) {
            calls.await(topics.ensureBandTopics(t), "Creating the topics of " + t);
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
            partition = Math.floorMod(sequence, partitionCounts.of(kafkaTopic, sequence % PARTITION_CHECK_EVERY == 0));
        }
        try {
            producer.send(new ProducerRecord<>(kafkaTopic, partition, null, key, value), (md, e) -> {
                if (e != null) {
                    outcome.accept(null, KafkaErrors.translate("Publishing message " + message.id() + " to "
                            + message.topic(), e));
                } else {
                    outcome.accept(new PublishResult(message.id(), message.topic(),
                            KafkaRecords.position(band, md.partition(), md.offset())), null);
                }
            });
        } catch (RuntimeException e) {
            outcome.accept(null, KafkaErrors.translate("Publishing message " + message.id() + " to " + message.topic(),
                    e));
        }
    }

    /** Sends a record of the backend's own (retry, dead letter, marker); completes with its metadata. */
    CompletableFuture<RecordMetadata> sendInternal(String topic, Integer partition, byte[] key, byte[] value,
            Headers headers) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, partition, null, key, value, headers), (md, e) -> {
                if (e != null) {
                    result.completeExceptionally(KafkaErrors.translate("Writing to Kafka topic " + topic, e));
                } else {
                    result.complete(md);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(KafkaErrors.translate("Writing to Kafka topic " + topic, e));
        }
        return result;
    }

    /**
     * Stores a dead letter in the topic's and group's dead-letter topic, which {@link KafkaDeadLetterQueue} reads:
     * one partition, created on first use.
     */
    CompletableFuture<RecordMetadata> storeDeadLetter(String topic, String group, DeadLetterRequest request,
            Position position) {
        String dlq = TopicNames.deadLetterTopic(topic, group);
        byte[] value = WireFormat.encode(request.message());
        CompletableFuture<Void> ready = topics.ensureTopic(dlq, 1, false);
        if (!ready.isDone()) {
            calls.await(ready, "Creating dead-letter topic " + dlq); // keeps the letters in the order they came
        }
        return ready.thenCompose(ok -> sendInternal(dlq, 0, KafkaRecords.key(request.message()),
                value, KafkaRecords.letterHeaders(request, position)));
    }
}

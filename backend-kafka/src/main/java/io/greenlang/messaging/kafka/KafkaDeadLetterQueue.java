package io.greenlang.messaging.kafka;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.runtime.AbstractDeadLetterQueue;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The dead letters of one topic and group: a single-partition Kafka topic ({@link TopicNames#deadLetterTopic}),
 * read from its start on every call.
 *
 * <p>A dead letter's id is its offset. {@link #replay} writes the message to the group's retry topic (attempt 1,
 * due at once, so only that group gets it) and then appends a marker record naming the replayed offset, so that
 * list and count no longer show it. {@link #purge} deletes the topic's records up to its end
 * ({@code deleteRecords}). Replaying one letter from two processes at the same moment may deliver it twice.
 *
 * <p>Every operation blocks until the broker answers; thread-safe.
 */
final class KafkaDeadLetterQueue extends AbstractDeadLetterQueue {
    private final KafkaBroker broker;
    private final String topic;
    private final String group;
    private final String dlqTopic;

    KafkaDeadLetterQueue(KafkaBroker broker, String topic, String group) {
        super(broker, topic, group);
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        this.dlqTopic = TopicNames.deadLetterTopic(topic, group);
    }

    /** The letters not replayed, oldest first, by offset. */
    private Map<Long, ConsumerRecord<byte[], byte[]>> live() {
        List<ConsumerRecord<byte[], byte[]>> all = broker.reader().readAll(dlqTopic);
        Map<Long, ConsumerRecord<byte[], byte[]>> letters = new LinkedHashMap<>();
        Set<Long> replayed = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : all) {
            String kind = KafkaRecords.text(r.headers(), KafkaRecords.KIND).orElse("");
            if (kind.equals(KafkaRecords.KIND_LETTER)) {
                letters.put(r.offset(), r);
            } else if (kind.equals(KafkaRecords.KIND_REPLAYED)) {
                KafkaRecords.text(r.headers(), KafkaRecords.REF).ifPresent(ref -> replayed.add(Long.parseLong(ref)));
            }
        }
        letters.keySet().removeAll(replayed);
        return letters;
    }

    @Override
    protected long doCount() {
        return live().size();
    }

    @Override
    protected List<DeadLetter> doList(int max) {
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : live().values()) {
            if (out.size() == max) {
                break;
            }
            out.add(KafkaRecords.letter(r, group));
        }
        return out;
    }

    @Override
    protected boolean doReplay(String deadLetterId) {
        long offset;
        try {
            offset = Long.parseLong(deadLetterId);
        } catch (NumberFormatException e) {
            return false;
        }
        ConsumerRecord<byte[], byte[]> r = live().get(offset);
        if (r == null) {
            return false;
        }
        replayAll(List.of(r));
        return true;
    }

    @Override
    protected int doReplay(int max) {
        List<ConsumerRecord<byte[], byte[]>> chosen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : live().values()) {
            if (chosen.size() == max) {
                break;
            }
            chosen.add(r);
        }
        replayAll(chosen);
        return chosen.size();
    }

    private void replayAll(List<ConsumerRecord<byte[], byte[]>> letters) {
        if (letters.isEmpty()) {
            return;
        }
        String retry = TopicNames.retryTopic(topic, group);
        broker.await(broker.ensureTopic(retry, broker.settings().partitions(), false), "Creating " + retry);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            DeadLetter letter = KafkaRecords.letter(r, group);
            Position position = new Position(KafkaRecords.text(r.headers(), KafkaRecords.POSITION)
                    .or(() -> letter.message().header("greenlang.original-position")).orElse("1:0:0"));
            sent.add(broker.sendInternal(retry, null, KafkaRecords.key(letter.message()),
                    WireFormat.encode(letter.message()), KafkaRecords.retryHeaders(1, 0, null, position)));
        }
        broker.await(CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])), "Replaying dead letters of "
                + topic + "/" + group);
        List<CompletableFuture<?>> markers = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            markers.add(broker.sendInternal(dlqTopic, 0, null, new byte[0], KafkaRecords.replayedHeaders(r.offset())));
        }
        broker.await(CompletableFuture.allOf(markers.toArray(new CompletableFuture<?>[0])), "Recording the replay of "
                + "dead letters of " + topic + "/" + group);
    }

    @Override
    protected long doPurge() {
        long n = live().size();
        if (n == 0) {
            return 0;
        }
        TopicPartition tp = new TopicPartition(dlqTopic, 0);
        long end = broker.reader().endOffset(tp);
        if (end > 0) {
            broker.await(broker.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(end))).all()
                    .toCompletionStage(), "Purging " + dlqTopic);
        }
        return n;
    }

    @Override
    public String toString() {
        return "DeadLetterQueue{" + topic + "/" + group + " in " + dlqTopic + "}";
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Durations;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.spi.priority.PriorityBands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics without a group: {@code Broker.read} and the dead-letter queues. One consumer (no group, manual
 * assignment), created on first use and shared under a lock, so reads are serialized per broker.
 *
 * <p><b>The order of {@code read}.</b> Kafka orders records only within a partition. {@code read} merges the
 * partitions of every priority band by broker append time (the topics this backend creates use
 * {@code LogAppendTime}), then by message id (time-ordered UUIDv7 unless the publisher chose ids), then band,
 * partition and offset. For one publisher whose messages land on one broker this is publish order; across several
 * brokers it is publish order up to the clock skew between them. A position ({@code band:partition:offset}) is
 * the place of one record in that order, so reading after it continues from there.
 */
final class LogReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private record Entry(ConsumerRecord<byte[], byte[]> record, int band, String id, Message message) {
    }

    private static final Comparator<Entry> ORDER = Comparator.<Entry>comparingLong(e -> e.record().timestamp())
            .thenComparing(Entry::id).thenComparingInt(Entry::band)
            .thenComparingInt(e -> e.record().partition()).thenComparingLong(e -> e.record().offset());

    private final KafkaBroker broker;
    private final ReentrantLock lock = new ReentrantLock();
    private KafkaConsumer<byte[], byte[]> consumer;
    private boolean closed;

    LogReader(KafkaBroker broker) {
        this.broker = broker;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (consumer == null) {
            Map<String, Object> props = new HashMap<>(broker.settings().clientProperties());
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, broker.settings().clientId() + "-reader");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
            props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(1024 * 1024, broker.maxRecordBytes()));
            broker.settings().clientProperties().forEach(props::put);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    /** Partitions of a topic; empty if it does not exist. */
    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer().partitionsFor(topic, broker.settings().requestTimeout());
        List<TopicPartition> out = new ArrayList<>();
        if (infos != null) {
            infos.forEach(i -> out.add(new TopicPartition(i.topic(), i.partition())));
        }
        return out;
    }

    List<RecordedMessage> read(String topic, Position after, int max) {
        lock.lock();
        try {
            return doRead(topic, after, max);
        } catch (RuntimeException e) {
            throw KafkaErrors.translate("Reading " + topic, e);
        } finally {
            lock.unlock();
        }
    }

    private List<RecordedMessage> doRead(String topic, Position after, int max) {
        KafkaConsumer<byte[], byte[]> c = consumer();
        Map<TopicPartition, Integer> bandOf = new HashMap<>();
        for (int band = 0; band < PriorityBands.COUNT; band++) {
            for (TopicPartition tp : partitions(TopicNames.bandTopic(topic, band))) {
                bandOf.put(tp, band);
            }
        }
        if (bandOf.isEmpty()) {
            return List.of();
        }
        Duration timeout = broker.settings().requestTimeout();
        Map<TopicPartition, Long> ends = c.endOffsets(bandOf.keySet(), timeout);
        Map<TopicPartition, Long> starts = new HashMap<>(c.beginningOffsets(bandOf.keySet(), timeout));
        Entry afterEntry = null;
        TopicPartition afterTp = null;
        long afterOffset = -1;
        if (!after.isBeginning()) {
            long[] p = KafkaRecords.parsePosition(after);
            afterTp = new TopicPartition(TopicNames.bandTopic(topic, (int) p[0]), (int) p[1]);
            afterOffset = p[2];
            if (!bandOf.containsKey(afterTp)) {
                throw new IllegalArgumentException("Position '" + after + "' names partition " + p[1]
                        + " that topic " + topic + " does not have.");
            }
            afterEntry = fetchOne(topic, afterTp, afterOffset, ends.get(afterTp), (int) p[0]);
            if (afterEntry != null) {
                Map<TopicPartition, Long> times = new HashMap<>();
                for (TopicPartition tp : bandOf.keySet()) {
                    times.put(tp, afterEntry.record().timestamp());
                }
                Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(times, timeout);
                for (TopicPartition tp : bandOf.keySet()) {
                    OffsetAndTimestamp o = found.get(tp);
                    starts.put(tp, o == null ? ends.get(tp) : Math.max(starts.get(tp), o.offset()));
                }
            }
            starts.put(afterTp, Math.max(starts.get(afterTp), afterOffset + 1));
        }
        List<TopicPartition> active = new ArrayList<>();
        for (TopicPartition tp : bandOf.keySet()) {
            if (starts.get(tp) < ends.get(tp)) {
                active.add(tp);
            }
        }
        if (active.isEmpty()) {
            return List.of();
        }
        c.assign(active);
        for (TopicPartition tp : active) {
            c.seek(tp, starts.get(tp));
        }
        Map<TopicPartition, ArrayDeque<Entry>> buffers = new HashMap<>();
        active.forEach(tp -> buffers.put(tp, new ArrayDeque<>()));
        Set<TopicPartition> exhausted = new HashSet<>();
        List<RecordedMessage> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < max) {
            boolean needMore = false;
            for (TopicPartition tp : active) {
                if (buffers.get(tp).isEmpty() && !exhausted.contains(tp)) {
                    if (c.position(tp, timeout) >= ends.get(tp)) {
                        exhausted.add(tp);
                    } else {
                        needMore = true;
                    }
                }
            }
            if (needMore) {
                if (System.nanoTime() - deadline > 0) {
                    throw new org.apache.kafka.common.errors.TimeoutException("Reading " + topic + " did not finish "
                            + "within " + Durations.format(timeout));
                }
                List<TopicPartition> full = new ArrayList<>();
                List<TopicPartition> hungry = new ArrayList<>();
                for (TopicPartition tp : active) {
                    (buffers.get(tp).size() >= max ? full : hungry).add(tp);
                }
                c.pause(full);
                c.resume(hungry);
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < ends.get(tp)) {
                        buffers.get(tp).addLast(entry(topic, r, bandOf.get(tp)));
                    }
                }
                continue;
            }
            Entry next = null;
            for (ArrayDeque<Entry> q : buffers.values()) {
                Entry h = q.peekFirst();
                if (h != null && (next == null || ORDER.compare(h, next) < 0)) {
                    next = h;
                }
            }
            if (next == null) {
                break;
            }
            buffers.get(new TopicPartition(next.record().topic(), next.record().partition())).pollFirst();
            if (afterEntry != null && ORDER.compare(next, afterEntry) <= 0) {
                continue;
            }
            out.add(new RecordedMessage(next.message(), KafkaRecords.position(next.band(), next.record().partition(),
                    next.record().offset())));
        }
        c.unsubscribe();
        return out;
    }

    private Entry fetchOne(String topic, TopicPartition tp, long offset, long end, int band) {
        if (offset >= end) {
            return null;
        }
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(List.of(tp));
        c.seek(tp, offset);
        long deadline = System.nanoTime() + broker.settings().requestTimeout().toNanos();
        try {
            while (System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    return r.offset() == offset ? entry(topic, r, band) : null;
                }
                if (c.position(tp) > offset) {
                    return null;
                }
            }
            return null;
        } finally {
            c.unsubscribe();
        }
    }

    private static Entry entry(String topic, ConsumerRecord<byte[], byte[]> r, int band) {
        Position position = KafkaRecords.position(band, r.partition(), r.offset());
        try {
            Message m = KafkaRecords.decode(r.value(), topic);
            return new Entry(r, band, m.id(), m);
        } catch (PayloadDecodingException e) {
            String id = "kafka-" + band + "-" + r.partition() + "-" + r.offset();
            Message raw = Message.builder(topic).id(id)
                    .payload(r.value() == null ? new byte[0] : r.value())
                    .createdAt(Instant.ofEpochMilli(Math.max(0, r.timestamp())))
                    .header("greenlang.original-position", position.value())
                    .header("greenlang.decode-error", String.valueOf(e.getMessage()))
                    .build();
            return new Entry(r, band, id, raw);
        }
    }

    /** Every record of a single-partition topic from its start to its current end; empty if it does not exist. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        lock.lock();
        try {
            List<TopicPartition> tps = partitions(topic);
            if (tps.isEmpty()) {
                return List.of();
            }
            KafkaConsumer<byte[], byte[]> c = consumer();
            Duration timeout = broker.settings().requestTimeout();
            Map<TopicPartition, Long> ends = c.endOffsets(tps, timeout);
            Map<TopicPartition, Long> starts = c.beginningOffsets(tps, timeout);
            List<TopicPartition> active = new ArrayList<>();
            for (TopicPartition tp : tps) {
                if (starts.get(tp) < ends.get(tp)) {
                    active.add(tp);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            if (active.isEmpty()) {
                return out;
            }
            c.assign(active);
            active.forEach(tp -> c.seek(tp, starts.get(tp)));
            long deadline = System.nanoTime() + timeout.toNanos();
            Set<TopicPartition> done = new HashSet<>();
            while (done.size() < active.size()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new org.apache.kafka.common.errors.TimeoutException("Reading " + topic
                            + " did not finish within " + Durations.format(timeout));
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < ends.get(tp)) {
                        out.add(r);
                    }
                }
                for (TopicPartition tp : active) {
                    if (c.position(tp, timeout) >= ends.get(tp)) {
                        done.add(tp);
                    }
                }
            }
            c.unsubscribe();
            out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return out;
        } catch (RuntimeException e) {
            throw KafkaErrors.translate("Reading " + topic, e);
        } finally {
            lock.unlock();
        }
    }

    /** The current end offset of partition 0 of a topic. */
    long endOffset(TopicPartition tp) {
        lock.lock();
        try {
            return consumer().endOffsets(List.of(tp), broker.settings().requestTimeout()).get(tp);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (consumer != null) {
                consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
                consumer = null;
            }
        } finally {
            lock.unlock();
        }
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.HandOvers;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a polled record into a {@link FetchedRecord}: its message (or the undecodable payload and the reason), band,
 * position and attempt. A band record's attempt is 1, raised if the partition's previous owner had handed it to a
 * handler ({@link PartitionTracker#handedOutBefore}); a retry record carries its attempt, due time, first failure and
 * original position in headers ({@link KafkaRecords}) and is served in its message's band. Stateless and thread-safe.
 */
final class RecordDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    private final String topic;
    private final String retryTopic;

    /** Decodes the records of {@code topic}'s bands and of the group's {@code retryTopic}. */
    RecordDecoder(String topic, String retryTopic) {
        this.topic = topic;
        this.retryTopic = retryTopic;
    }

    FetchedRecord decode(AssignedPartition p, ConsumerRecord<byte[], byte[]> cr) {
        FetchedRecord r = p.retry ? retryRecord(p, cr) : bandRecord(p, cr);
        r.bytes = Math.max(0, cr.serializedValueSize());
        return r;
    }

    private FetchedRecord bandRecord(AssignedPartition p, ConsumerRecord<byte[], byte[]> cr) {
        Position position = KafkaRecords.position(p.band, cr.partition(), cr.offset());
        int attempt = HandOvers.next(1, p.tracker.handedOutBefore(cr.offset()));
        try {
            Message m = KafkaRecords.decode(cr.value(), topic);
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
            Message m = KafkaRecords.decode(cr.value(), topic);
            FetchedRecord r = new FetchedRecord(p, cr.offset(), PriorityBands.of(m.priority()), cr.timestamp(), m.id(),
                    due);
            r.inbound = InboundMessage.of(m, position, attempt, firstFailure, r);
            return r;
        } catch (PayloadDecodingException e) {
            FetchedRecord r = new FetchedRecord(p, cr.offset(), PriorityBands.DEFAULT, cr.timestamp(), "", due);
            r.inbound = InboundMessage.undecodable(cr.value() == null ? new byte[0] : cr.value(), e.getMessage(),
                    position, attempt, r);
            return r;
        }
    }
}

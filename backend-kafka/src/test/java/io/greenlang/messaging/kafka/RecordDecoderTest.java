package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What a polled record becomes: message or undecodable payload, band, position, attempt, due time. */
class RecordDecoderTest {
    private static final String TOPIC = "orders";
    private static final String RETRY = "orders.retry";

    private final RecordDecoder decoder = new RecordDecoder(TOPIC, RETRY);
    private final AssignedPartition band = new AssignedPartition(new TopicPartition("orders.b2", 3), false,
            PriorityBands.HIGH, null);
    private final AssignedPartition retries = new AssignedPartition(new TopicPartition(RETRY, 1), true,
            PriorityBands.DEFAULT, null);

    @Test
    void aBandRecordIsItsMessageAtItsBandPositionFirstAttempt() {
        Message m = Message.builder(TOPIC).text("hello").priority(9).build();
        byte[] value = WireFormat.encode(m);

        FetchedRecord r = decoder.decode(band, record(band, 7, 1234, value, new RecordHeaders()));
        assertThat(r.inbound.message()).isEqualTo(m);
        assertThat(r.inbound.position()).isEqualTo(new Position("2:3:7"));
        assertThat(r.inbound.attempt()).isEqualTo(1);
        assertThat(r.inbound.firstFailure()).isNull();
        assertThat(r.inbound.handle()).isSameAs(r);
        assertThat(r.band).isEqualTo(PriorityBands.HIGH);
        assertThat(r.timestamp).isEqualTo(1234);
        assertThat(r.sortId).isEqualTo(m.id());
        assertThat(r.dueMillis).isZero();
        assertThat(r.bytes).isEqualTo(value.length);
    }

    @Test
    void aRecordThePreviousOwnerHadHandedToAHandlerComesWithTheAttemptRaised() {
        AssignedPartition taken = new AssignedPartition(band.tp, false, PriorityBands.HIGH,
                new OffsetAndMetadata(5, "gl1:;h:1"));
        byte[] value = WireFormat.encode(Message.builder(TOPIC).text("x").build());

        assertThat(decoder.decode(taken, record(taken, 5, 0, value, new RecordHeaders())).inbound.attempt())
                .isEqualTo(1);
        assertThat(decoder.decode(taken, record(taken, 6, 0, value, new RecordHeaders())).inbound.attempt())
                .isEqualTo(2);
    }

    @Test
    void aValueThatIsNotAnEnvelopeIsUndecodableWithItsReason() {
        byte[] value = "plain text".getBytes(StandardCharsets.UTF_8);

        FetchedRecord r = decoder.decode(band, record(band, 0, 0, value, new RecordHeaders()));
        assertThat(r.inbound.isDecoded()).isFalse();
        assertThat(r.inbound.raw()).isEqualTo(value);
        assertThat(r.inbound.decodeError()).isNotBlank();
        assertThat(r.sortId).isEmpty();

        FetchedRecord tombstone = decoder.decode(band, record(band, 1, 0, null, new RecordHeaders()));
        assertThat(tombstone.inbound.raw()).isEmpty();
        assertThat(tombstone.inbound.decodeError()).contains("tombstone");
        assertThat(tombstone.bytes).isZero();
    }

    @Test
    void aRetryRecordCarriesItsAttemptDueTimeFirstFailureAndPositionAndIsServedInItsMessagesBand() {
        Message m = Message.builder(TOPIC).text("again").priority(1).build();
        Instant firstFailure = Instant.parse("2024-05-01T10:15:30.123456Z");
        Headers headers = KafkaRecords.retryHeaders(3, 99_000, firstFailure, new Position("1:0:42"));

        FetchedRecord r = decoder.decode(retries, record(retries, 8, 0, WireFormat.encode(m), headers));
        assertThat(r.inbound.message()).isEqualTo(m);
        assertThat(r.inbound.attempt()).isEqualTo(3);
        assertThat(r.inbound.firstFailure()).isEqualTo(firstFailure);
        assertThat(r.inbound.position()).isEqualTo(new Position("1:0:42"));
        assertThat(r.dueMillis).isEqualTo(99_000);
        assertThat(r.band).isEqualTo(PriorityBands.LOW);
    }

    @Test
    void aRetryRecordWithInvalidHeadersIsDueAtOnceAsAFirstAttemptAtItsOwnPosition() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaRecords.ATTEMPT, "many".getBytes(StandardCharsets.US_ASCII));
        byte[] value = WireFormat.encode(Message.builder(TOPIC).text("x").build());

        FetchedRecord r = decoder.decode(retries, record(retries, 4, 0, value, headers));
        assertThat(r.inbound.attempt()).isEqualTo(1);
        assertThat(r.dueMillis).isZero();
        assertThat(r.inbound.position()).isEqualTo(new Position(PriorityBands.DEFAULT + ":1:4"));
    }

    private static ConsumerRecord<byte[], byte[]> record(AssignedPartition p, long offset, long timestamp,
            byte[] value, Headers headers) {
        return new ConsumerRecord<>(p.tp.topic(), p.tp.partition(), offset, timestamp, TimestampType.LOG_APPEND_TIME,
                -1, value == null ? -1 : value.length, null, value, headers, Optional.empty());
    }
}

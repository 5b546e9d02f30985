package io.greenlang.messaging.kafka;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.DeadLetterFields;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.wire.EpochMicros;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The record format.
 *
 * <p>A message is one Kafka record: the value is the message's {@link WireFormat} envelope (every field, the
 * provenance hash included, round-trips exactly); the key is the message's partition key in UTF-8 (or none), so the
 * default partitioner keeps one key in one partition; the record timestamp is the broker's append time. Records on
 * the main topics carry no headers. A value that is not an envelope (a record written by a plain Kafka producer, or
 * corrupted) is detected by {@link WireFormat#decode} and dead-lettered as UNDECODABLE with its reason.
 *
 * <p>Retry records (on a group's retry topic) carry headers {@value #ATTEMPT}, {@value #DUE} (epoch milliseconds),
 * {@value #POSITION} (where the message sits in its topic) and, once a failure happened, {@value #FIRST_FAILURE}
 * (epoch microseconds). Dead letters carry the failure in headers (group, reason, attempts, first and last failure,
 * exception class and message: {@link DeadLetterFields}, as {@code gl.dlq.<field>}) and replay markers reference a dead letter's offset.
 *
 * <p>Positions are {@code <band>:<partition>:<offset>}. Stateless and thread-safe.
 */
final class KafkaRecords {
    static final String ATTEMPT = "gl.attempt";
    static final String DUE = "gl.due";
    static final String FIRST_FAILURE = "gl.first-failure";
    static final String POSITION = "gl.position";
    static final String KIND = "gl.kind";
    static final String KIND_LETTER = "letter";
    static final String KIND_REPLAYED = "replayed";
    static final String REF = "gl.ref";
    /** Dead letters' fields ({@link DeadLetterFields}) are headers named this and the field's name. */
    static final String DLQ_PREFIX = "gl.dlq.";

    private KafkaRecords() {
    }

    static byte[] key(Message m) {
        return m.key().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    static Position position(int band, int partition, long offset) {
        return new Position(band + ":" + partition + ":" + offset);
    }

    /** {@code [band, partition, offset]} of a position this backend made. */
    static long[] parsePosition(Position p) {
        String[] parts = p.value().split(":");
        if (parts.length == 3) {
            try {
                long band = Long.parseLong(parts[0]);
                long partition = Long.parseLong(parts[1]);
                long offset = Long.parseLong(parts[2]);
                if (band >= 0 && band < PriorityBands.COUNT && partition >= 0 && partition <= Integer.MAX_VALUE
                        && offset >= 0) {
                    return new long[] {band, partition, offset};
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("Position '" + p.value() + "' is not a kafka:// position (band:partition:"
                + "offset); use Position.beginning() or a position returned by this backend.");
    }

    static Headers retryHeaders(int attempt, long dueMillis, Instant firstFailure, Position position) {
        RecordHeaders h = new RecordHeaders();
        h.add(ATTEMPT, ascii(Integer.toString(attempt)));
        h.add(DUE, ascii(Long.toString(dueMillis)));
        h.add(POSITION, ascii(position.value()));
        if (firstFailure != null) {
            h.add(FIRST_FAILURE, ascii(Long.toString(micros(firstFailure))));
        }
        return h;
    }

    /** A dead letter's headers: the fields of {@link DeadLetterFields}, each as {@code gl.dlq.<name>}. */
    static Headers letterHeaders(DeadLetterRequest r, Position position) {
        RecordHeaders h = new RecordHeaders();
        h.add(KIND, ascii(KIND_LETTER));
        h.add(POSITION, ascii(position.value()));
        DeadLetterFields.write(r, i -> Long.toString(micros(i))).forEach((field, value) -> h.add(header(field),
                utf8(value)));
        return h;
    }

    /** The header of a dead letter's field. */
    static String header(DeadLetterFields.Field field) {
        return DLQ_PREFIX + field.fieldName();
    }

    static Headers replayedHeaders(long letterOffset) {
        RecordHeaders h = new RecordHeaders();
        h.add(KIND, ascii(KIND_REPLAYED));
        h.add(REF, ascii(Long.toString(letterOffset)));
        return h;
    }

    /** A dead letter read back from its topic; the id is the record's offset. */
    static DeadLetter letter(ConsumerRecord<byte[], byte[]> r, String queueGroup) {
        Message message = WireFormat.decode(r.value() == null ? new byte[0] : r.value());
        return DeadLetterFields.read(Long.toString(r.offset()), message, queueGroup,
                field -> text(r.headers(), header(field)).orElse(null), t -> instant(Long.parseLong(t)));
    }

    /** Decodes an envelope; a record without a value is not one. */
    static Message decode(byte[] value, String topic) {
        if (value == null) {
            throw new PayloadDecodingException("The record has no value (a tombstone); it was not written by a "
                    + "GreenLang Messaging backend.");
        }
        return WireFormat.decode(value, topic);
    }

    static Optional<String> text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    static long micros(Instant i) {
        return EpochMicros.of(i);
    }

    static Instant instant(long micros) {
        return EpochMicros.toInstant(micros);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

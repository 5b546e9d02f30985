package io.greenlang.messaging.kafka;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.priority.PriorityBands;
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
 * exception class and message) and replay markers reference a dead letter's offset.
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
    static final String DLQ_GROUP = "gl.dlq.group";
    static final String DLQ_REASON = "gl.dlq.reason";
    static final String DLQ_ATTEMPTS = "gl.dlq.attempts";
    static final String DLQ_FIRST = "gl.dlq.first-failure";
    static final String DLQ_LAST = "gl.dlq.last-failure";
    static final String DLQ_EXCEPTION_CLASS = "gl.dlq.exception-class";
    static final String DLQ_EXCEPTION_MESSAGE = "gl.dlq.exception-message";
    private static final int MAX_EXCEPTION_MESSAGE = 8192;

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

    static Headers letterHeaders(DeadLetterRequest r, Position position) {
        RecordHeaders h = new RecordHeaders();
        h.add(KIND, ascii(KIND_LETTER));
        h.add(POSITION, ascii(position.value()));
        h.add(DLQ_GROUP, utf8(r.group()));
        h.add(DLQ_REASON, ascii(r.reason().name()));
        h.add(DLQ_ATTEMPTS, ascii(Integer.toString(r.attempts())));
        h.add(DLQ_FIRST, ascii(Long.toString(micros(r.firstFailure()))));
        h.add(DLQ_LAST, ascii(Long.toString(micros(r.lastFailure()))));
        r.exceptionClass().ifPresent(c -> h.add(DLQ_EXCEPTION_CLASS, utf8(c)));
        String text = r.exceptionMessage();
        if (text.length() > MAX_EXCEPTION_MESSAGE) {
            text = text.substring(0, MAX_EXCEPTION_MESSAGE) + "...";
        }
        h.add(DLQ_EXCEPTION_MESSAGE, utf8(text));
        return h;
    }

    static Headers replayedHeaders(long letterOffset) {
        RecordHeaders h = new RecordHeaders();
        h.add(KIND, ascii(KIND_REPLAYED));
        h.add(REF, ascii(Long.toString(letterOffset)));
        return h;
    }

    /** A dead letter read back from its topic; the id is the record's offset. */
    static DeadLetter letter(ConsumerRecord<byte[], byte[]> r) {
        Message message = WireFormat.decode(r.value() == null ? new byte[0] : r.value());
        return new DeadLetter(Long.toString(r.offset()), message, text(r.headers(), DLQ_GROUP).orElse(""),
                DeadLetterReason.valueOf(text(r.headers(), DLQ_REASON).orElse(DeadLetterReason.REJECTED.name())),
                Integer.parseInt(text(r.headers(), DLQ_ATTEMPTS).orElse("0")),
                instant(Long.parseLong(text(r.headers(), DLQ_FIRST).orElse("0"))),
                instant(Long.parseLong(text(r.headers(), DLQ_LAST).orElse("0"))),
                text(r.headers(), DLQ_EXCEPTION_CLASS), text(r.headers(), DLQ_EXCEPTION_MESSAGE).orElse(""));
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

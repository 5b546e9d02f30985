package io.greenlang.messaging.redis;

import io.greenlang.messaging.spi.runtime.DeadLetterFields;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The fields of the stream entries this backend writes, and helpers to read them.
 *
 * <ul>
 *   <li>Band stream entry: {@code m} = the message's {@link io.greenlang.messaging.spi.wire.WireFormat} envelope.</li>
 *   <li>Retry stream entry: {@code m}; {@code a} = the attempt number of its next hand-over; {@code p} = the
 *       position of the original entry; {@code f} = when the first failure happened (empty if none).</li>
 *   <li>Dead-letter entry: {@code m}; the fields of
 *       {@link io.greenlang.messaging.spi.runtime.DeadLetterFields} under short keys ({@link #key}): {@code g}
 *       group; {@code r} reason; {@code n} attempts; {@code ff} and {@code lf} first and last failure; {@code ec}
 *       exception class (absent if none); {@code em} exception message or reason; and {@code p} original
 *       position.</li>
 * </ul>
 * Instants are written as {@code seconds.nanoseconds} since the epoch, exactly.
 */
final class Fields {
    static final String MESSAGE = "m";
    static final String ATTEMPT = "a";
    static final String POSITION = "p";
    static final String FIRST_FAILURE = "f";
    static final String GROUP = "g";
    static final String REASON = "r";
    static final String ATTEMPTS = "n";
    static final String DLQ_FIRST_FAILURE = "ff";
    static final String DLQ_LAST_FAILURE = "lf";
    static final String EXCEPTION_CLASS = "ec";
    static final String EXCEPTION_MESSAGE = "em";

    private Fields() {
    }

    private static final byte[] MESSAGE_BYTES = MESSAGE.getBytes(StandardCharsets.US_ASCII);

    /** The value of field {@code name}, or {@code null}. */
    static byte[] get(Map<byte[], byte[]> body, String name) {
        byte[] wanted = MESSAGE.equals(name) ? MESSAGE_BYTES : name.getBytes(StandardCharsets.US_ASCII);
        for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
            if (Arrays.equals(e.getKey(), wanted)) {
                return e.getValue();
            }
        }
        return null;
    }

    static String getString(Map<byte[], byte[]> body, String name) {
        byte[] v = get(body, name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** The entry's fields as text, for the raw bytes of an entry another client wrote. */
    static byte[] dump(Map<byte[], byte[]> body) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(new String(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(new String(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The field names, for messages. */
    static String names(Map<byte[], byte[]> body) {
        StringBuilder sb = new StringBuilder();
        for (byte[] k : body.keySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(new String(k, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static String instant(Instant i) {
        return i.getEpochSecond() + "." + String.format("%09d", i.getNano());
    }

    /**
     * Reads an instant written by {@link #instant}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    static Instant instant(String s) {
        int dot = s.indexOf('.');
        if (dot < 0) {
            return Instant.ofEpochSecond(Long.parseLong(s));
        }
        return Instant.ofEpochSecond(Long.parseLong(s.substring(0, dot)), Long.parseLong(s.substring(dot + 1)));
    }

    /** The field of a dead-letter entry that holds {@code field}. */
    static String key(DeadLetterFields.Field field) {
        return switch (field) {
            case GROUP -> GROUP;
            case REASON -> REASON;
            case ATTEMPTS -> ATTEMPTS;
            case FIRST_FAILURE -> DLQ_FIRST_FAILURE;
            case LAST_FAILURE -> DLQ_LAST_FAILURE;
            case EXCEPTION_CLASS -> EXCEPTION_CLASS;
            case EXCEPTION_MESSAGE -> EXCEPTION_MESSAGE;
        };
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

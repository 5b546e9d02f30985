package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a dead letter stores besides the message's envelope and its original position, the same on every backend:
 * each {@link Field}, and its value as text. A backend decides only where the text goes (Kafka: a record header
 * {@code gl.dlq.<name>}; Redis: a stream field under a short key) and how an instant is written (the formats each
 * backend has always used, so stored dead letters stay readable).
 *
 * <p>Values: the group, the reason's enum name, the attempts in decimal, the two instants, the exception class
 * (absent if none), and the exception message or reason, cut to {@value #MAX_EXCEPTION_MESSAGE} characters followed
 * by {@code ...}. Reading tolerates absent fields: the group then is the queue's, the reason REJECTED, the attempts
 * 0, an instant the epoch, the message empty. Stateless and thread-safe.
 */
public final class DeadLetterFields {
    /** The longest exception message stored, in characters; longer ones are cut and end with "...". */
    public static final int MAX_EXCEPTION_MESSAGE = 8192;

    /** The fields, in the order they are written. */
    public enum Field {
        GROUP("group"),
        REASON("reason"),
        ATTEMPTS("attempts"),
        FIRST_FAILURE("first-failure"),
        LAST_FAILURE("last-failure"),
        EXCEPTION_CLASS("exception-class"),
        EXCEPTION_MESSAGE("exception-message");

        private final String fieldName;

        Field(String fieldName) {
            this.fieldName = fieldName;
        }

        /** The field's name, lower case with hyphens: {@code first-failure}. */
        public String fieldName() {
            return fieldName;
        }
    }

    private DeadLetterFields() {
    }

    /**
     * The fields of {@code request} as text, in {@link Field} order; {@link Field#EXCEPTION_CLASS} is absent if the
     * request has none.
     *
     * @param instants how the backend writes an instant
     */
    public static Map<Field, String> write(DeadLetterRequest request, Function<Instant, String> instants) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(instants, "instants");
        Map<Field, String> fields = new EnumMap<>(Field.class);
        fields.put(Field.GROUP, request.group());
        fields.put(Field.REASON, request.reason().name());
        fields.put(Field.ATTEMPTS, Integer.toString(request.attempts()));
        fields.put(Field.FIRST_FAILURE, instants.apply(request.firstFailure()));
        fields.put(Field.LAST_FAILURE, instants.apply(request.lastFailure()));
        request.exceptionClass().ifPresent(c -> fields.put(Field.EXCEPTION_CLASS, c));
        fields.put(Field.EXCEPTION_MESSAGE, cut(request.exceptionMessage()));
        return Collections.unmodifiableMap(fields);
    }

    /**
     * The dead letter stored with these fields.
     *
     * @param id the id the store gave it
     * @param queueGroup the group of the queue it was read from, for a letter that does not name one
     * @param fields the text of a field, or {@code null} if absent
     * @param instants how the backend reads an instant it wrote
     * @throws IllegalArgumentException if a field holds a value this class never writes (an unknown reason, attempts
     *     that are not a number, an instant {@code instants} rejects)
     */
    public static DeadLetter read(String id, Message message, String queueGroup, Function<Field, String> fields,
            Function<String, Instant> instants) {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(instants, "instants");
        String group = fields.apply(Field.GROUP);
        String reason = fields.apply(Field.REASON);
        String attempts = fields.apply(Field.ATTEMPTS);
        String first = fields.apply(Field.FIRST_FAILURE);
        String last = fields.apply(Field.LAST_FAILURE);
        String text = fields.apply(Field.EXCEPTION_MESSAGE);
        return new DeadLetter(id, message, group != null ? group : queueGroup,
                reason != null ? DeadLetterReason.valueOf(reason) : DeadLetterReason.REJECTED,
                attempts != null ? Integer.parseInt(attempts) : 0,
                first != null ? instants.apply(first) : Instant.EPOCH,
                last != null ? instants.apply(last) : Instant.EPOCH,
                Optional.ofNullable(fields.apply(Field.EXCEPTION_CLASS)), text != null ? text : "");
    }

    private static String cut(String text) {
        return text.length() > MAX_EXCEPTION_MESSAGE ? text.substring(0, MAX_EXCEPTION_MESSAGE) + "..." : text;
    }
}

package io.greenlang.messaging;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message in a dead-letter queue, with what went wrong.
 *
 * @param id the dead letter's own id in its queue, for {@link DeadLetterQueue#replay(String)}
 * @param message the original message; for an {@link DeadLetterReason#UNDECODABLE} record the broker could
 *     not read, a message with the raw bytes as payload and the original position in header
 *     {@code greenlang.original-position}
 * @param group the group in which it failed
 * @param attempts how many times it was handed to a handler: 0 for a message dead-lettered before its first
 *     hand-over (expired, tampered, undecodable record)
 * @param firstFailure when the first attempt failed
 * @param lastFailure when the last attempt failed
 * @param exceptionClass the last failure's exception class, or empty if there was no exception
 * @param exceptionMessage the last failure's message or the given reason
 */
public record DeadLetter(String id, Message message, String group, DeadLetterReason reason, int attempts,
        Instant firstFailure, Instant lastFailure, Optional<String> exceptionClass, String exceptionMessage) {
    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(firstFailure, "firstFailure");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(exceptionClass, "exceptionClass");
        Objects.requireNonNull(exceptionMessage, "exceptionMessage");
    }
}

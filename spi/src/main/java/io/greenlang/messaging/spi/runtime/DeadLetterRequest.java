package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a dead letter holds except its id, which the backend's store assigns.
 */
public record DeadLetterRequest(Message message, String group, DeadLetterReason reason, int attempts,
        Instant firstFailure, Instant lastFailure, Optional<String> exceptionClass, String exceptionMessage) {
    public DeadLetterRequest {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(firstFailure, "firstFailure");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(exceptionClass, "exceptionClass");
        Objects.requireNonNull(exceptionMessage, "exceptionMessage");
    }

    /** The dead letter, once the store has given it an id. */
    public DeadLetter withId(String id) {
        return new DeadLetter(id, message, group, reason, attempts, firstFailure, lastFailure, exceptionClass,
                exceptionMessage);
    }
}

package io.greenlang.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks {@link Message.Builder} makes on a field as it is set, so that a bad message fails where it is
 * built. Their messages are what callers see.
 */
final class MessageFieldChecks {
    private MessageFieldChecks() {
    }

    /**
     * Returns {@code value} when it has text.
     *
     * @throws NullPointerException naming {@code what} if it is null
     * @throws IllegalArgumentException if it is empty or white space only
     */
    static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    /** Returns {@code priority} when it lies from {@link Message#MIN_PRIORITY} to {@link Message#MAX_PRIORITY}. */
    static int requirePriority(int priority) {
        if (priority < Message.MIN_PRIORITY || priority > Message.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be from " + Message.MIN_PRIORITY + " to "
                    + Message.MAX_PRIORITY + ", was " + priority);
        }
        return priority;
    }

    /** Returns {@code ttl} when it is longer than zero. */
    static Duration requirePositiveTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        return ttl;
    }
}

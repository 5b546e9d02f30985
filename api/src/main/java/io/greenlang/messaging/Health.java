package io.greenlang.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The result of a health check: a round trip to the broker.
 *
 * @param status whether the broker answered
 * @param latency how long the round trip took; for a {@code DOWN} broker, how long until it failed
 * @param details backend facts such as the server version, never secrets
 */
public record Health(Status status, Duration latency, Map<String, String> details) {
    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(latency, "latency");
        details = Map.copyOf(details);
    }

    public boolean isUp() {
        return status == Status.UP;
    }

    /** Up or down. */
    public enum Status {
        UP,
        DOWN
    }
}

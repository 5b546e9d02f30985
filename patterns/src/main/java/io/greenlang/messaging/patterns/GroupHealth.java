package io.greenlang.messaging.patterns;

import java.util.List;
import java.util.Objects;

/**
 * Whether a {@link ConsumerGroup}'s consumers are running.
 *
 * @param desired how many consumers the group should have
 * @param active how many are fetching and handling messages
 * @param restarts consumer restarts by the supervisor so far
 * @param inactive the names of the consumers whose subscription is not active (about to be restarted)
 */
public record GroupHealth(Status status, int desired, int active, long restarts, List<String> inactive) {
    /** The group's condition. */
    public enum Status {
        /** Every consumer is active (or the group is scaled to zero). */
        HEALTHY,
        /** Some consumers are not active; the supervisor restarts them. */
        DEGRADED,
        /** No consumer is active although some should be. */
        DOWN,
        /** The group was closed. */
        CLOSED
    }

    public GroupHealth {
        Objects.requireNonNull(status, "status");
        inactive = List.copyOf(inactive);
    }

    public boolean isHealthy() {
        return status == Status.HEALTHY;
    }
}

package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.greenlang.messaging.ConsumerLag;

/**
 * A {@link ConsumerGroup} as a whole.
 *
 * @param consumers how many consumers the group should have now
 * @param activeConsumers how many of them are fetching and handling messages
 * @param processed handler invocations that returned normally, removed consumers included
 * @param failed handler invocations that threw, removed consumers included
 * @param throughput messages processed per second since the group was created
 * @param uptime how long since the group was created
 * @param restarts consumer restarts by the supervisor, removed consumers included
 * @param lag the broker's lag for the group; empty if the backend does not report lag or the query failed
 */
public record GroupStats(String topic, String group, int consumers, int activeConsumers, long processed, long failed,
        double throughput, Duration uptime, long restarts, Optional<ConsumerLag> lag) {
    public GroupStats {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(uptime, "uptime");
        Objects.requireNonNull(lag, "lag");
    }
}

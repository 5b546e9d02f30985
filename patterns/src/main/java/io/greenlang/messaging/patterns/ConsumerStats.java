package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.Objects;

/**
 * One consumer of a {@link ConsumerGroup}.
 *
 * @param consumerName its name in the group
 * @param active whether its subscription is fetching and handling messages
 * @param processed handler invocations that returned normally, over every run of the consumer
 * @param failed handler invocations that threw, over every run of the consumer
 * @param throughput messages processed per second since the consumer last (re)started
 * @param uptime how long since the consumer last (re)started
 * @param restarts how many times the supervisor restarted it after its subscription died
 * @param inFlight messages it has taken and not yet settled
 */
public record ConsumerStats(String consumerName, boolean active, long processed, long failed, double throughput,
        Duration uptime, int restarts, int inFlight) {
    public ConsumerStats {
        Objects.requireNonNull(consumerName, "consumerName");
        Objects.requireNonNull(uptime, "uptime");
    }
}

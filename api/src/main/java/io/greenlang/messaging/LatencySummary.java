package io.greenlang.messaging;

import java.time.Duration;

/**
 * Percentiles of a latency over the recent past (the metrics' sliding window). The percentiles are histogram
 * estimates, never above the exact maximum: {@code p50 <= p95 <= p99 <= max}.
 */
public record LatencySummary(long count, Duration p50, Duration p95, Duration p99, Duration max) {
    public static final LatencySummary EMPTY =
            new LatencySummary(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}

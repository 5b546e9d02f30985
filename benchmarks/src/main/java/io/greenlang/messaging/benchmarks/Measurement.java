package io.greenlang.messaging.benchmarks;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One figure of a benchmark, for the library and, where there is one, the raw baseline.
 *
 * @param scenario what was measured
 * @param payloadBytes the payload size
 * @param metric the figure's name: {@code throughput}, {@code p50}, {@code p99}, {@code p99.9}, {@code max},
 *     {@code peak}, {@code after-drain}
 * @param unit {@code msg/s}, {@code us} (microseconds) or {@code MiB}
 * @param library the library's value
 * @param baseline the raw baseline's value; empty if no baseline ran
 * @param higherIsBetter whether a higher value is better (throughput) or worse (latency, heap)
 */
public record Measurement(Scenario scenario, int payloadBytes, String metric, String unit, double library,
        OptionalDouble baseline, boolean higherIsBetter) {
    public Measurement {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(baseline, "baseline");
    }

    /**
     * Library divided by baseline: for throughput, the share of the raw speed the library reaches; for latency
     * and heap, how many times the raw figure the library needs. Empty without a baseline, or when the
     * baseline's value is too close to zero for a ratio to mean anything (under 0.5 of its unit).
     */
    public OptionalDouble ratio() {
        if (baseline.isEmpty() || baseline.getAsDouble() < 0.5) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(library / baseline.getAsDouble());
    }
}

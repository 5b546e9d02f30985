package io.greenlang.messaging.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One figure of a benchmark, for the library and for each baseline that ran beside it.
 *
 * @param scenario what was measured
 * @param payloadBytes the payload size
 * @param metric the figure's name: {@code throughput}, {@code p50}, {@code p99}, {@code p99.9}, {@code max},
 *     {@code peak}, {@code after-drain}, {@code sustained}
 * @param unit {@code msg/s}, {@code us} (microseconds) or {@code MiB}
 * @param library the library's runs
 * @param baselines each baseline's runs by its label ({@code raw}, {@code raw+hash}, {@code peer}), in table order
 * @param higherIsBetter whether a higher value is better (throughput) or worse (latency, heap)
 */
public record Measurement(Scenario scenario, int payloadBytes, String metric, String unit, Figure library,
        Map<String, Figure> baselines, boolean higherIsBetter) {
    /** Below this (in the figure's unit) a baseline is too close to zero for a ratio to mean anything. */
    private static final double SMALLEST_DIVISOR = 0.5;

    public Measurement {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(library, "library");
        baselines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
    }

    /** The baseline labelled {@code label}, if it ran. */
    public Optional<Figure> baseline(String label) {
        return Optional.ofNullable(baselines.get(label));
    }

    /**
     * Library divided by the baseline {@code label}, medians: for throughput, the share of the baseline's speed the
     * library reaches; for latency and heap, how many times the baseline's figure the library needs. Empty without
     * that baseline, or when its value is under 0.5 of its unit.
     */
    public OptionalDouble ratio(String label) {
        Figure base = baselines.get(label);
        if (base == null || base.median() < SMALLEST_DIVISOR) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(library.median() / base.median());
    }

    /**
     * The ratio of each pair of runs, the library's i-th against the baseline's i-th (they ran one after the
     * other), so that the spread of the ratio shows; empty as {@link #ratio}, or if their run counts differ.
     */
    public List<Double> ratioRuns(String label) {
        Figure base = baselines.get(label);
        List<Double> out = new ArrayList<>();
        if (base == null || base.runs().size() != library.runs().size()) {
            return out;
        }
        for (int i = 0; i < base.runs().size(); i++) {
            double b = base.runs().get(i);
            if (b < SMALLEST_DIVISOR) {
                return new ArrayList<>();
            }
            out.add(library.runs().get(i) / b);
        }
        return out;
    }
}

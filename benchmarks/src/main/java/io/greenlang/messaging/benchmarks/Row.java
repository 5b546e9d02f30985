package io.greenlang.messaging.benchmarks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One figure of a benchmark for every target that measured it, by label, in table order: what a JVM measures,
 * before the figures become {@link Measurement}s (the library against each baseline).
 *
 * @param scenario what was measured
 * @param payloadBytes the payload size
 * @param metric the figure's name
 * @param unit its unit
 * @param higherIsBetter whether a higher value is better
 * @param figures each target's runs, by label
 */
record Row(Scenario scenario, int payloadBytes, String metric, String unit, boolean higherIsBetter,
        Map<String, Figure> figures) {
    Row {
        Objects.requireNonNull(scenario, "scenario");
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** Whether {@code other} is the same figure (scenario, size and metric), perhaps of other targets. */
    boolean sameFigure(Row other) {
        return scenario == other.scenario && payloadBytes == other.payloadBytes && metric.equals(other.metric);
    }

    /** The row as a measurement of the library against the other targets; {@code null} without the library. */
    Measurement toMeasurement() {
        Figure library = figures.get("library");
        if (library == null) {
            return null;
        }
        Map<String, Figure> baselines = new LinkedHashMap<>(figures);
        baselines.remove("library");
        return new Measurement(scenario, payloadBytes, metric, unit, library, baselines, higherIsBetter);
    }
}

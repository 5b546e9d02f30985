package io.greenlang.messaging.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One figure of one target, from each of its runs (or forks) in run order; tables show the median.
 *
 * @param runs the value of each run, at least one
 */
public record Figure(List<Double> runs) {
    public Figure {
        runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a figure needs at least one run");
        }
    }

    /** A figure of the given values. */
    public static Figure of(double... values) {
        List<Double> runs = new ArrayList<>(values.length);
        for (double v : values) {
            runs.add(v);
        }
        return new Figure(runs);
    }

    /** The median run; of an even number, the upper of the middle two. */
    public double median() {
        List<Double> sorted = new ArrayList<>(runs);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    public double min() {
        return Collections.min(runs);
    }

    public double max() {
        return Collections.max(runs);
    }
}

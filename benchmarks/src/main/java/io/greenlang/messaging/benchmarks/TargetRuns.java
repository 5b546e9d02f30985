package io.greenlang.messaging.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the chosen scenarios, for each payload size, on some targets in this JVM and returns a {@link Row} per
 * figure. Throughput runs alternate between the targets; latency and heap runs take them in turn.
 */
final class TargetRuns {
    private static final String[] LATENCY_METRICS = {"p50", "p99", "p99.9", "max"};

    private final RunContext runs;
    private final BenchConfig config;
    private final ThroughputRuns throughput;
    private final LatencyRuns latency;
    private final HeapRuns heap;
    private final ChainRuns chain;

    TargetRuns(RunContext runs) {
        this.runs = runs;
        this.config = runs.config();
        this.throughput = new ThroughputRuns(runs);
        this.latency = new LatencyRuns(runs);
        this.heap = new HeapRuns(runs);
        this.chain = new ChainRuns(runs);
    }

    /** How many runs {@code targets} will make, for the progress; repeated warm-ups add theirs as they go. */
    int plannedRuns(List<BenchTarget> targets) {
        int perTarget = 0;
        for (Scenario s : config.scenarios()) {
            if (s != Scenario.CHAIN) {
                perTarget += runsPerTarget(s) * config.payloadSizes().size();
            }
        }
        int total = perTarget * targets.size();
        if (config.runs(Scenario.CHAIN) && library(targets) != null) {
            total += ChainRuns.mostSteps() * config.payloadSizes().size();
        }
        return total;
    }

    List<Row> measure(List<BenchTarget> targets) {
        List<Row> rows = new ArrayList<>();
        for (Scenario s : Scenario.values()) {
            if (!config.runs(s)) {
                continue;
            }
            for (int size : config.payloadSizes()) {
                rows.addAll(measure(s, size, targets));
            }
        }
        return rows;
    }

    private List<Row> measure(Scenario s, int size, List<BenchTarget> targets) {
        List<Row> out = new ArrayList<>();
        switch (s) {
            case LATENCY: {
                // every target warms up before any is measured: the JIT work they share (Netty, the client)
                // must not fall to whichever runs first
                for (BenchTarget t : targets) {
                    latency.run(size, t, false);
                }
                List<double[]> figures = new ArrayList<>();
                for (BenchTarget t : targets) {
                    figures.add(latency.run(size, t, true));
                }
                for (int i = 0; i < LATENCY_METRICS.length; i++) {
                    out.add(row(s, size, LATENCY_METRICS[i], "us", false, targets, figures, i));
                }
                break;
            }
            case HEAP: {
                List<double[]> figures = new ArrayList<>();
                for (BenchTarget t : targets) {
                    figures.add(heap.run(size, t));
                }
                out.add(row(s, size, "peak", "MiB", false, targets, figures, 0));
                out.add(row(s, size, "after-drain", "MiB", false, targets, figures, 1));
                break;
            }
            case CHAIN: {
                LibraryTarget library = library(targets);
                if (library != null) {
                    double[] result = chain.run(size, library);
                    out.add(new Row(s, size, "sustained", "msg/s", true, Map.of("library", Figure.of(result[0]))));
                    if (!Double.isNaN(result[1])) { // NaN: not even the lowest rate was sustained
                        out.add(new Row(s, size, "p99 there", "us", false, Map.of("library", Figure.of(result[1]))));
                    }
                }
                break;
            }
            default: {
                double[][] rates = throughput.rates(s, size, targets);
                Map<String, Figure> figures = new LinkedHashMap<>();
                for (int t = 0; t < targets.size(); t++) {
                    figures.put(targets.get(t).label(), Figure.of(rates[t]));
                }
                out.add(new Row(s, size, "throughput", "msg/s", true, figures));
            }
        }
        return out;
    }

    private static Row row(Scenario s, int size, String metric, String unit, boolean higherIsBetter,
            List<BenchTarget> targets, List<double[]> figures, int index) {
        Map<String, Figure> byTarget = new LinkedHashMap<>();
        for (int t = 0; t < targets.size(); t++) {
            byTarget.put(targets.get(t).label(), Figure.of(figures.get(t)[index]));
        }
        return new Row(s, size, metric, unit, higherIsBetter, byTarget);
    }

    private static LibraryTarget library(List<BenchTarget> targets) {
        for (BenchTarget t : targets) {
            if (t instanceof LibraryTarget) {
                return (LibraryTarget) t;
            }
        }
        return null;
    }

    /**
     * How many runs {@link #measure} makes of {@code s} for one target and size. A throughput warm-up that has to
     * be repeated adds its steps as it goes; a chain run counts its steps as it goes.
     */
    private int runsPerTarget(Scenario s) {
        switch (s) {
            case LATENCY:
                return 2;
            case HEAP:
                return 1;
            default:
                return config.repeat() + (config.warmup() ? 1 : 0);
        }
    }
}

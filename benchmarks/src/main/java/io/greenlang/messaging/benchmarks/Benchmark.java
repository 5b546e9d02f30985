package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Runs the {@link Scenario scenarios} a {@link BenchConfig} selects, for each payload size, through the
 * library and through the raw baseline of the broker's scheme, in the same JVM.
 *
 * <p>How each figure is taken:
 * <ul>
 *   <li>Throughput scenarios time N messages from the first publish to the last confirmation (publish) or the
 *       last handled message (drain, end-to-end); a publish run first sends one untimed message, so that a
 *       backend that creates topics on first use has done so, as the baselines do before they are timed. Each
 *       target first runs unmeasured with all N messages to warm the JIT, again while the compilers were busy
 *       for a tenth of the run or more, up to five times (see {@code ThroughputRuns}); then the library and
 *       the baseline alternate for {@link BenchConfig#repeat()} runs each, and the median of each is reported.
 *       A GC is requested before each run, outside the timing, so one run's garbage does not land in the
 *       next.</li>
 *   <li>{@link Scenario#LATENCY}: one producer publishes on a fixed schedule, message {@code i} due at
 *       {@code start + i / rate}; each payload carries its due time, and the consumer records
 *       {@code now - due} in an HdrHistogram. Measuring from the intended send time rather than the actual one
 *       corrects for coordinated omission: when the producer falls behind (a GC, a slow publish), the wait of
 *       every message that should have been sent meanwhile is counted. Both targets first make an unrecorded
 *       pass of {@link BenchConfig#latencyWarmup()} at the rate; each measured run starts with the same
 *       warm-up, unrecorded, and its recorded schedule starts only once the consumer has handled all of it.</li>
 *   <li>{@link Scenario#HEAP}: heap used after a GC, before filling, after filling, every
 *       {@link BenchConfig#heapSampleInterval()} while one consumer drains the backlog, and after. Figures are
 *       relative to the heap before filling.</li>
 * </ul>
 */
public final class Benchmark {
    private final BenchConfig config;
    private final RunContext runs;
    private final ThroughputRuns throughput;
    private final LatencyRuns latency;
    private final HeapRuns heap;

    private Benchmark(BenchConfig config, BenchProgress progress) {
        this.config = config;
        this.runs = new RunContext(config, progress);
        this.throughput = new ThroughputRuns(runs);
        this.latency = new LatencyRuns(runs);
        this.heap = new HeapRuns(runs);
    }

    /**
     * Runs the benchmark. Blocks until done: seconds for tiny sizes, a few minutes for the defaults.
     *
     * @throws io.greenlang.messaging.MessagingException if the broker cannot be reached or the URL is invalid
     * @throws BenchmarkException if a run fails or takes longer than {@link BenchConfig#timeout()}
     */
    public static BenchReport run(BenchConfig config, BenchProgress progress) {
        return new Benchmark(config, progress).run();
    }

    private BenchReport run() {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        double loadBefore = ReportFacts.loadAverage();
        List<String> notes = new ArrayList<>();
        List<Measurement> measurements = new ArrayList<>();
        String scheme = config.broker().scheme();
        try (LibraryTarget library = new LibraryTarget(config.broker(), config.maxInFlight())) {
            BenchTarget raw = null;
            String baseline = "";
            if (config.baseline()) {
                Optional<BaselineProvider> provider = Baselines.forScheme(scheme);
                if (provider.isPresent()) {
                    raw = provider.get().create(config.broker());
                    baseline = raw.description();
                } else {
                    notes.add("No raw baseline is installed for scheme '" + scheme + "' (baselines exist for: "
                            + String.join(", ", Baselines.schemes()) + "), so no ratio is shown.");
                }
            }
            try {
                int perTarget = 0;
                for (Scenario s : Scenario.values()) {
                    if (config.runs(s)) {
                        perTarget += runsPerTarget(s) * config.payloadSizes().size();
                    }
                }
                runs.plan(perTarget * (raw == null ? 1 : 2));
                for (Scenario s : Scenario.values()) {
                    if (!config.runs(s)) {
                        continue;
                    }
                    for (int size : config.payloadSizes()) {
                        measurements.addAll(measure(s, size, library, raw));
                    }
                }
            } finally {
                if (raw != null) {
                    raw.close();
                }
            }
            return new BenchReport(library.brokerName(), library.description(), baseline, startedAt,
                    Duration.ofNanos(System.nanoTime() - start), ReportFacts.environment(loadBefore),
                    ReportFacts.settings(config), measurements, notes);
        }
    }

    private List<Measurement> measure(Scenario s, int size, BenchTarget library, BenchTarget raw) {
        List<Measurement> out = new ArrayList<>();
        switch (s) {
            case LATENCY: {
                // both targets warm up before either is measured: the JIT work they share (Netty, the client)
                // must not fall to whichever runs first
                latency.run(size, library, false);
                if (raw != null) {
                    latency.run(size, raw, false);
                }
                double[] lib = latency.run(size, library, true);
                double[] base = raw == null ? null : latency.run(size, raw, true);
                String[] metrics = {"p50", "p99", "p99.9", "max"};
                for (int i = 0; i < metrics.length; i++) {
                    out.add(new Measurement(s, size, metrics[i], "us", lib[i], optional(base, i), false));
                }
                break;
            }
            case HEAP: {
                double[] lib = heap.run(size, library);
                double[] base = raw == null ? null : heap.run(size, raw);
                out.add(new Measurement(s, size, "peak", "MiB", lib[0], optional(base, 0), false));
                out.add(new Measurement(s, size, "after-drain", "MiB", lib[1], optional(base, 1), false));
                break;
            }
            default: {
                double[][] rates = throughput.rates(s, size, library, raw);
                OptionalDouble base = raw == null ? OptionalDouble.empty() : OptionalDouble.of(median(rates[1]));
                out.add(new Measurement(s, size, "throughput", "msg/s", median(rates[0]), base, true));
            }
        }
        return out;
    }

    /**
     * How many runs {@link #measure} makes of {@code s} for one target and size: the steps of the progress. A
     * throughput warm-up that has to be repeated adds its steps as it goes.
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

    private static OptionalDouble optional(double[] values, int i) {
        return values == null ? OptionalDouble.empty() : OptionalDouble.of(values[i]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

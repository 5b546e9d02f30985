package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@link Scenario scenarios} a {@link BenchConfig} selects, for each payload size, through the
 * library and the baselines of the broker's scheme: the raw client ({@code raw}), the raw client plus the
 * provenance hash ({@code raw+hash}, network backends) and the peer a team would use instead ({@code peer}),
 * each where installed. With {@link BenchConfig#forks()} above 0 each target runs in JVMs of its own
 * ({@link ForkedRuns}); otherwise all run in this one.
 *
 * <p>How each figure is taken:
 * <ul>
 *   <li>Throughput scenarios time N messages from the first publish to the last confirmation (publish) or the
 *       last handled message (drain, end-to-end); a publish run first sends one untimed message, so that a
 *       backend that creates topics on first use has done so, as the baselines do before they are timed. Each
 *       target first runs unmeasured with all N messages to warm the JIT, again while the compilers were busy
 *       for a tenth of the run or more, up to five times (see {@code ThroughputRuns}); then the targets
 *       alternate for {@link BenchConfig#repeat()} runs each, and the median of each is reported.
 *       A GC is requested before each run, outside the timing, so one run's garbage does not land in the
 *       next.</li>
 *   <li>{@link Scenario#LATENCY}: one producer publishes on a fixed schedule, message {@code i} due at
 *       {@code start + i / rate}; each payload carries its due time, and the consumer records
 *       {@code now - due} in an HdrHistogram. Measuring from the intended send time rather than the actual one
 *       corrects for coordinated omission: when the producer falls behind (a GC, a slow publish), the wait of
 *       every message that should have been sent meanwhile is counted. All targets first make an unrecorded
 *       pass of {@link BenchConfig#latencyWarmup()} at the rate; each measured run starts with the same
 *       warm-up, unrecorded, and its recorded schedule starts only once the consumer has handled all of it.</li>
 *   <li>{@link Scenario#HEAP}: heap used after a GC, before filling, after filling, every
 *       {@link BenchConfig#heapSampleInterval()} while one consumer drains the backlog, and after. Figures are
 *       relative to the heap before filling.</li>
 * </ul>
 */
public final class Benchmark {
    private final BenchConfig config;
    private final BenchProgress progress;

    private Benchmark(BenchConfig config, BenchProgress progress) {
        this.config = config;
        this.progress = progress;
    }

    /**
     * Runs the benchmark. Blocks until done: seconds for tiny sizes, minutes for the defaults.
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
        List<Row> rows = null;
        List<String> labels = new ArrayList<>();
        String broker;
        String library = "";
        Map<String, String> baselines = new LinkedHashMap<>();
        try (Targets targets = new Targets(config)) {
            notes.addAll(targets.notes());
            broker = config.broker().redactedUrl();
            for (BenchTarget t : targets.chosen()) {
                labels.add(t.label());
                if (t instanceof LibraryTarget) {
                    broker = ((LibraryTarget) t).brokerName();
                    library = t.description();
                } else {
                    baselines.put(t.label(), t.description());
                }
            }
            if (config.forks() == 0) {
                RunContext runs = new RunContext(config, progress);
                TargetRuns measuring = new TargetRuns(runs);
                runs.plan(measuring.plannedRuns(targets.chosen()));
                rows = measuring.measure(targets.chosen());
            }
        }
        if (rows == null) { // the targets were opened here only to learn what they are: each fork opens its own
            rows = new ForkedRuns(config, progress).measure(labels);
        }
        List<Measurement> measurements = new ArrayList<>();
        for (Row row : rows) {
            Measurement m = row.toMeasurement();
            if (m != null) {
                measurements.add(m);
            }
        }
        return new BenchReport(broker, library, baselines, startedAt, Duration.ofNanos(System.nanoTime() - start),
                ReportFacts.environment(loadBefore), ReportFacts.settings(config), measurements, notes);
    }
}

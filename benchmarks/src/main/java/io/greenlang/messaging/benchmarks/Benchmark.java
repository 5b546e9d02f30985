package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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
 *       for a tenth of the run or more, up to five times (see {@link #warmUp}); then the
 *       library and the baseline alternate for {@link BenchConfig#repeat()} runs each,
 *       and the median of each is reported. A GC is requested before each run, outside the timing, so one
 *       run's garbage does not land in the next.</li>
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final double MIB = 1024.0 * 1024.0;
    /** Most warm-up runs per target and throughput scenario (see {@link #warmUp}). */
    private static final int MAX_WARMUPS = 5;
    /** The share of a warm-up run's time the compilers may work for the JIT to count as settled. */
    private static final double SETTLED_COMPILE_SHARE = 0.1;
    private static final long HISTOGRAM_MAX_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** How long a heap run waits, after closing its channel, for the threads it started to end. */
    private static final Duration THREADS_END_TIMEOUT = Duration.ofSeconds(2);

    private final BenchConfig config;
    private final BenchProgress progress;
    private int step;
    private int steps;
    private int channels;

    private Benchmark(BenchConfig config, BenchProgress progress) {
        this.config = config;
        this.progress = progress;
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
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
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
                steps = perTarget * (raw == null ? 1 : 2);
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
                    Duration.ofNanos(System.nanoTime() - start), environment(loadBefore), settings(), measurements, notes);
        }
    }

    private List<Measurement> measure(Scenario s, int size, BenchTarget library, BenchTarget raw) {
        List<Measurement> out = new ArrayList<>();
        switch (s) {
            case LATENCY: {
                // both targets warm up before either is measured: the JIT work they share (Netty, the client)
                // must not fall to whichever runs first
                latency(size, library, false);
                if (raw != null) {
                    latency(size, raw, false);
                }
                double[] lib = latency(size, library, true);
                double[] base = raw == null ? null : latency(size, raw, true);
                String[] metrics = {"p50", "p99", "p99.9", "max"};
                for (int i = 0; i < metrics.length; i++) {
                    out.add(new Measurement(s, size, metrics[i], "us", lib[i], optional(base, i), false));
                }
                break;
            }
            case HEAP: {
                double[] lib = heap(size, library);
                double[] base = raw == null ? null : heap(size, raw);
                out.add(new Measurement(s, size, "peak", "MiB", lib[0], optional(base, 0), false));
                out.add(new Measurement(s, size, "after-drain", "MiB", lib[1], optional(base, 1), false));
                break;
            }
            default: {
                double[][] rates = throughput(s, size, library, raw);
                OptionalDouble base = raw == null ? OptionalDouble.empty() : OptionalDouble.of(median(rates[1]));
                out.add(new Measurement(s, size, "throughput", "msg/s", median(rates[0]), base, true));
            }
        }
        return out;
    }

    private static OptionalDouble optional(double[] values, int i) {
        return values == null ? OptionalDouble.empty() : OptionalDouble.of(values[i]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    // ---- throughput

    /**
     * Returns the rates of the library's runs and of the baseline's ({@code null} without one). Both warm up
     * first; then their runs alternate, so that a burst of load from elsewhere on the machine hits both alike.
     */
    private double[][] throughput(Scenario s, int size, BenchTarget library, BenchTarget raw) {
        List<BenchTarget> targets = raw == null ? List.of(library) : List.of(library, raw);
        if (config.warmup()) {
            for (BenchTarget target : targets) {
                warmUp(s, size, target);
            }
        }
        double[][] rates = new double[targets.size()][config.repeat()];
        for (int i = 0; i < config.repeat(); i++) {
            for (int t = 0; t < targets.size(); t++) {
                String phase = config.repeat() == 1 ? "" : "run " + (i + 1) + " of " + config.repeat();
                announce(s, size, targets.get(t), phase);
                rates[t][i] = runOnce(s, size, targets.get(t), config.messages());
            }
        }
        return rates;
    }

    /**
     * Unmeasured runs with all N messages, until one passes with the JIT compilers busy for less than
     * {@value #SETTLED_COMPILE_SHARE} of its time, or {@value #MAX_WARMUPS} have run: at 10^6 messages a second
     * one run lasts well under a second, and the compiler, on one of the two cores, was still at work through
     * the first measured runs.
     */
    private void warmUp(Scenario s, int size, BenchTarget target) {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean observable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        for (int run = 1; run <= MAX_WARMUPS; run++) {
            if (run > 1) {
                steps++;
            }
            announce(s, size, target, run == 1 ? "warm-up" : "warm-up " + run + ": the JIT compiler was busy");
            long compiledBefore = observable ? compiler.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            runOnce(s, size, target, config.messages());
            double elapsedMillis = (System.nanoTime() - start) / 1e6;
            long compiledMillis = observable ? compiler.getTotalCompilationTime() - compiledBefore : 0;
            if (compiledMillis < SETTLED_COMPILE_SHARE * elapsedMillis) {
                return;
            }
        }
    }

    /** One timed run; returns messages per second. */
    private double runOnce(Scenario s, int size, BenchTarget target, int n) {
        byte[] template = template(size);
        try (BenchChannel channel = target.open(channelName(s, size, target), n + 1)) {
            switch (s) {
                case PUBLISH:
                case PUBLISH_BATCH: {
                    // one untimed message first: a backend that creates topics on first use (Kafka) does so now,
                    // as the baselines do when they open their channel
                    channel.publish(stamp(template, System.nanoTime(), -1));
                    channel.awaitPublished(config.timeout());
                    collectGarbage();
                    long start = System.nanoTime();
                    if (s == Scenario.PUBLISH) {
                        for (int i = 0; i < n; i++) {
                            channel.publish(stamp(template, System.nanoTime(), i));
                        }
                    } else {
                        fill(channel, template, n);
                    }
                    channel.awaitPublished(config.timeout());
                    return rate(n, System.nanoTime() - start);
                }
                case DRAIN_1:
                case DRAIN_2: {
                    channel.createGroup();
                    fill(channel, template, n);
                    channel.awaitPublished(config.timeout());
                    collectGarbage();
                    Countdown handled = new Countdown(n);
                    long start = System.nanoTime();
                    BenchChannel.Consumers consumers = channel.consume(s == Scenario.DRAIN_1 ? 1 : 2,
                            payload -> handled.increment());
                    try {
                        handled.await(config.timeout(), () -> describe(s, size, target));
                        return rate(n, System.nanoTime() - start);
                    } finally {
                        consumers.close();
                    }
                }
                case END_TO_END: {
                    collectGarbage();
                    Countdown handled = new Countdown(n);
                    BenchChannel.Consumers consumers = channel.consume(1, payload -> handled.increment());
                    try {
                        long start = System.nanoTime();
                        for (int i = 0; i < n; i++) {
                            channel.publish(stamp(template, System.nanoTime(), i));
                        }
                        handled.await(config.timeout(), () -> describe(s, size, target));
                        long elapsed = System.nanoTime() - start;
                        channel.awaitPublished(config.timeout());
                        return rate(n, elapsed);
                    } finally {
                        consumers.close();
                    }
                }
                default:
                    throw new IllegalArgumentException(s + " is not a throughput scenario");
            }
        }
    }

    private void fill(BenchChannel channel, byte[] template, int n) {
        int batchSize = config.batchSize();
        List<byte[]> batch = new ArrayList<>(Math.min(batchSize, n));
        for (int i = 0; i < n; i++) {
            batch.add(stamp(template, System.nanoTime(), i));
            if (batch.size() == batchSize) {
                channel.publishBatch(batch);
                batch = new ArrayList<>(batchSize);
            }
        }
        if (!batch.isEmpty()) {
            channel.publishBatch(batch);
        }
    }

    // ---- latency

    /**
     * Publishes at the fixed rate for the warm-up, waits until the consumer has handled all of it (a backlog
     * built up while the JIT was cold must not spill into the measured period), then, if {@code measured},
     * publishes for the measured duration on a new schedule and records every message's latency.
     *
     * @return p50, p99, p99.9 and max in microseconds, or {@code null} for a warm-up pass
     */
    private double[] latency(int size, BenchTarget target, boolean measured) {
        announce(Scenario.LATENCY, size, target, measured ? "" : "warm-up");
        int rate = config.rate();
        long warmup = Math.round(rate * (config.latencyWarmup().toNanos() / 1e9));
        long recorded = measured ? Math.max(1, Math.round(rate * (config.latencyDuration().toNanos() / 1e9))) : 0;
        long total = warmup + recorded;
        if (total > Integer.MAX_VALUE) {
            throw new BenchmarkException("Latency run too long: " + total + " messages; lower the rate or duration.");
        }
        double interval = 1e9 / rate;
        byte[] template = template(size);
        Recorder recorder = new Recorder(HISTOGRAM_MAX_NANOS, 3);
        Countdown warmedUp = new Countdown(warmup);
        Countdown handled = new Countdown(total);
        collectGarbage();
        try (BenchChannel channel = target.open(channelName(Scenario.LATENCY, size, target), (int) total)) {
            BenchChannel.Consumers consumers = channel.consume(1, payload -> {
                long latency = System.nanoTime() - payload.getLong(0);
                if (payload.getLong(8) >= warmup) {
                    recorder.recordValue(Math.min(Math.max(latency, 0), HISTOGRAM_MAX_NANOS));
                } else {
                    warmedUp.increment();
                }
                handled.increment();
            });
            try {
                publishOnSchedule(channel, template, 0, warmup, interval);
                warmedUp.await(config.timeout(), () -> describe(Scenario.LATENCY, size, target) + " (warm-up)");
                publishOnSchedule(channel, template, warmup, total, interval);
                handled.await(config.timeout(), () -> describe(Scenario.LATENCY, size, target));
                channel.awaitPublished(config.timeout());
            } finally {
                consumers.close();
            }
        }
        if (!measured) {
            return null;
        }
        Histogram h = recorder.getIntervalHistogram();
        return new double[] {
            h.getValueAtPercentile(50) / 1000.0,
            h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0,
            h.getMaxValue() / 1000.0
        };
    }

    /**
     * Publishes messages {@code from} to {@code to - 1}, message i due at start + (i - from) * interval, each
     * stamped with its due time and its number.
     */
    private static void publishOnSchedule(BenchChannel channel, byte[] template, long from, long to,
            double interval) {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        for (long i = from; i < to; i++) {
            long due = start + (long) ((i - from) * interval);
            waitUntil(due);
            channel.publish(stamp(template, due, i));
        }
    }

    private static void waitUntil(long deadline) {
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (remaining > 60_000) {
                // parking wakes up some 50 us late; spin only for the rest, so the producer leaves the CPU to
                // the consumer and the JIT on small machines
                LockSupport.parkNanos(remaining - 55_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    // ---- heap

    /** Returns the peak while draining and the figure after draining, in MiB above the heap before filling. */
    private double[] heap(int size, BenchTarget target) {
        announce(Scenario.HEAP, size, target, "");
        int n = config.heapMessages();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        byte[] template = template(size);
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        try (BenchChannel channel = target.open(channelName(Scenario.HEAP, size, target), n)) {
            channel.createGroup();
            long before = usedAfterGc(memory);
            fill(channel, template, n);
            channel.awaitPublished(config.timeout());
            long peak = usedAfterGc(memory);
            Countdown handled = new Countdown(n);
            long deadline = System.nanoTime() + config.timeout().toNanos();
            BenchChannel.Consumers consumers = channel.consume(1, payload -> handled.increment());
            try {
                while (!handled.await(config.heapSampleInterval())) {
                    peak = Math.max(peak, usedAfterGc(memory));
                    if (System.nanoTime() > deadline) {
                        handled.await(Duration.ZERO, () -> describe(Scenario.HEAP, size, target));
                    }
                }
                long after = usedAfterGc(memory);
                return new double[] {(Math.max(peak, after) - before) / MIB, (after - before) / MIB};
            } finally {
                consumers.close();
            }
        } finally {
            awaitEnd(threadsBefore);
        }
    }

    /**
     * Waits, up to {@link #THREADS_END_TIMEOUT} in all, for the threads started since {@code existing} to end. A
     * thread that closed a subscription may still hold it, and through it a backlog, for a moment after the close
     * returned; the next heap figure would count that backlog against the other target.
     */
    private static void awaitEnd(Set<Thread> existing) {
        long deadline = System.nanoTime() + THREADS_END_TIMEOUT.toNanos();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (existing.contains(t)) {
                continue;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        collectGarbage();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void collectGarbage() {
        System.gc();
    }

    // ---- helpers

    /** How many runs {@link #measure} makes of {@code s} for one target and size: the steps of the progress. */
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

    private void announce(Scenario s, int size, BenchTarget target, String phase) {
        progress.step(++step, steps, describe(s, size, target) + (phase.isEmpty() ? "" : " (" + phase + ")"));
    }

    private static String describe(Scenario s, int size, BenchTarget target) {
        return s.title() + ", " + ReportTable.size(size) + ": " + target.label();
    }

    private String channelName(Scenario s, int size, BenchTarget target) {
        return s.id() + "-" + size + "-" + target.label() + "-" + (++channels);
    }

    private static byte[] template(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** A copy of the template carrying a time (nanoTime) in bytes 0-7 and a sequence number in bytes 8-15. */
    private static byte[] stamp(byte[] template, long nanoTime, long sequence) {
        byte[] p = template.clone();
        LONGS.set(p, 0, nanoTime);
        LONGS.set(p, 8, sequence);
        return p;
    }

    private static double rate(long messages, long nanos) {
        return messages * 1e9 / Math.max(1, nanos);
    }

    private Map<String, String> environment(double loadBefore) {
        Runtime rt = Runtime.getRuntime();
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("loadAverageBefore", String.format(Locale.ROOT, "%.2f", loadBefore));
        env.put("loadAverageAfter", String.format(Locale.ROOT, "%.2f", loadAfter));
        env.put("cores", Integer.toString(rt.availableProcessors()));
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("maxHeapMiB", Long.toString(rt.maxMemory() / (1024 * 1024)));
        env.put("summary", String.format(Locale.ROOT,
                "%d cores, %s %s, %s, max heap %,d MiB; load average %.2f before, %.2f after",
                rt.availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), rt.maxMemory() / (1024 * 1024),
                loadBefore, loadAfter));
        return env;
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("payloadSizes", config.payloadSizes().stream().map(String::valueOf).collect(Collectors.joining(",")));
        s.put("messages", Integer.toString(config.messages()));
        s.put("batchSize", Integer.toString(config.batchSize()));
        s.put("repeat", Integer.toString(config.repeat()));
        s.put("warmup", Boolean.toString(config.warmup()));
        s.put("rate", Integer.toString(config.rate()));
        s.put("latencyDuration", config.latencyDuration().toString());
        s.put("latencyWarmup", config.latencyWarmup().toString());
        s.put("heapMessages", Integer.toString(config.heapMessages()));
        s.put("maxInFlight", config.maxInFlight() == 0 ? "default" : Integer.toString(config.maxInFlight()));
        Map<String, String> options = new TreeMap<>();
        config.broker().options().forEach((k, v) -> options.put(k, BrokerConfig.isSecret(k) ? "***" : v));
        s.put("brokerOptions", options.toString());
        s.put("summary", String.format(Locale.ROOT,
                "%,d messages per throughput run (median of %d%s), batches of %d; latency at %,d msg/s for %s "
                        + "after %s warm-ups; heap with a %,d-message backlog",
                config.messages(), config.repeat(), config.warmup() ? ", after a warm-up run" : "",
                config.batchSize(), config.rate(), human(config.latencyDuration()), human(config.latencyWarmup()),
                config.heapMessages()) + (options.isEmpty() ? "" : "; broker options " + options));
        return s;
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Counts handled messages and wakes the waiter when all came. */
    private static final class Countdown {
        private final long expected;
        private final AtomicLong count = new AtomicLong();
        private final CountDownLatch done = new CountDownLatch(1);

        Countdown(long expected) {
            this.expected = expected;
            if (expected == 0) {
                done.countDown();
            }
        }

        void increment() {
            if (count.incrementAndGet() == expected) {
                done.countDown();
            }
        }

        boolean await(Duration timeout) {
            try {
                return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkException("Interrupted while waiting for consumers", e);
            }
        }

        void await(Duration timeout, Supplier<String> run) {
            if (!await(timeout)) {
                throw new BenchmarkException("Run '" + run.get() + "' did not finish within " + human(timeout) + ": "
                        + count.get() + " of " + expected + " messages handled.");
            }
        }
    }
}

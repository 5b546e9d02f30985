package io.greenlang.messaging.benchmarks;

import static io.greenlang.messaging.benchmarks.Payloads.fill;
import static io.greenlang.messaging.benchmarks.Payloads.stamp;
import static io.greenlang.messaging.benchmarks.RunContext.collectGarbage;
import static io.greenlang.messaging.benchmarks.RunContext.describe;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The throughput scenarios ({@link Scenario#PUBLISH}, {@link Scenario#PUBLISH_BATCH}, {@link Scenario#DRAIN_1},
 * {@link Scenario#DRAIN_2}, {@link Scenario#END_TO_END}, and the typed publishes and drains): each run times N
 * messages, after warm-up runs.
 */
final class ThroughputRuns {
    /** Most warm-up runs per target and throughput scenario (see {@link #warmUp}). */
    private static final int MAX_WARMUPS = 5;
    /** The share of a warm-up run's time the compilers may work for the JIT to count as settled. */
    private static final double SETTLED_COMPILE_SHARE = 0.1;

    private final RunContext runs;
    private final BenchConfig config;

    ThroughputRuns(RunContext runs) {
        this.runs = runs;
        this.config = runs.config();
    }

    /**
     * Returns the rates of each target's runs, in the order of {@code targets}. All warm up first; then their
     * runs alternate, so that a burst of load from elsewhere on the machine hits all alike.
     */
    double[][] rates(Scenario s, int size, List<BenchTarget> targets) {
        if (config.warmup()) {
            for (BenchTarget target : targets) {
                warmUp(s, size, target);
            }
        }
        double[][] rates = new double[targets.size()][config.repeat()];
        for (int i = 0; i < config.repeat(); i++) {
            for (int t = 0; t < targets.size(); t++) {
                String phase = config.repeat() == 1 ? "" : "run " + (i + 1) + " of " + config.repeat();
                runs.announce(s, size, targets.get(t), phase);
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
                runs.addStep();
            }
            runs.announce(s, size, target, run == 1 ? "warm-up" : "warm-up " + run + ": the JIT compiler was busy");
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

    /** One timed run on a fresh channel; returns messages per second. */
    private double runOnce(Scenario s, int size, BenchTarget target, int n) {
        byte[] template = Payloads.template(size);
        String name = runs.channelName(s, size, target);
        try (BenchChannel channel = s.typed() ? target.open(name, n + 1, s.codec()) : target.open(name, n + 1)) {
            switch (s) {
                case PUBLISH_JSON:
                case PUBLISH_MSGPACK:
                    return publishRecords(channel, RecordCodec.named(s.codec()), size, n);
                case DRAIN_JSON:
                case DRAIN_MSGPACK:
                    return drainRecords(s, size, target, channel, RecordCodec.named(s.codec()), n);
                case PUBLISH:
                case PUBLISH_BATCH:
                    return publish(s, channel, template, n);
                case DRAIN_1:
                case DRAIN_2:
                    return drain(s, size, target, channel, template, n);
                case END_TO_END:
                    return endToEnd(s, size, target, channel, template, n);
                default:
                    throw new IllegalArgumentException(s + " is not a throughput scenario");
            }
        }
    }

    /** Times publishing n messages, one per call or in batches, until the last is confirmed. */
    private double publish(Scenario s, BenchChannel channel, byte[] template, int n) {
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
            fill(channel, template, n, config.batchSize());
        }
        channel.awaitPublished(config.timeout());
        return rate(n, System.nanoTime() - start);
    }

    /** Times publishing n records, one per call, each encoded on the publishing thread, until all are confirmed. */
    private double publishRecords(BenchChannel channel, RecordCodec codec, int size, int n) {
        channel.publishRecord(Reading.ofSize(size, -1), codec);
        channel.awaitPublished(config.timeout());
        collectGarbage();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            channel.publishRecord(Reading.ofSize(size, i), codec);
        }
        channel.awaitPublished(config.timeout());
        return rate(n, System.nanoTime() - start);
    }

    /** Times one consumer draining a backlog of n records, decoding each to its type. */
    private double drainRecords(Scenario s, int size, BenchTarget target, BenchChannel channel, RecordCodec codec,
            int n) {
        channel.createGroup();
        for (int i = 0; i < n; i++) {
            channel.publishRecord(Reading.ofSize(size, i), codec);
        }
        channel.awaitPublished(config.timeout());
        collectGarbage();
        Countdown handled = new Countdown(n);
        long start = System.nanoTime();
        BenchChannel.Consumers consumers = channel.consumeRecords(1, codec, reading -> {
            if (reading.sequence() >= 0) {
                handled.increment();
            }
        });
        try {
            handled.await(config.timeout(), () -> describe(s, size, target));
            return rate(n, System.nanoTime() - start);
        } finally {
            consumers.close();
        }
    }

    /** Times one or two consumers draining a backlog of n messages published before they start. */
    private double drain(Scenario s, int size, BenchTarget target, BenchChannel channel, byte[] template, int n) {
        channel.createGroup();
        fill(channel, template, n, config.batchSize());
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

    /** Times publishing n messages as fast as possible while one consumer handles them, until it handled all. */
    private double endToEnd(Scenario s, int size, BenchTarget target, BenchChannel channel, byte[] template, int n) {
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

    private static double rate(long messages, long nanos) {
        return messages * 1e9 / Math.max(1, nanos);
    }
}

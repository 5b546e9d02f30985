package io.greenlang.messaging.benchmarks;

import static io.greenlang.messaging.benchmarks.RunContext.collectGarbage;
import static io.greenlang.messaging.benchmarks.RunContext.describe;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The {@link Scenario#LATENCY} runs: one producer publishes on a fixed schedule, each payload stamped with its
 * due time, and the consumer records {@code now - due}, which corrects for coordinated omission.
 */
final class LatencyRuns {
    private static final long HISTOGRAM_MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final RunContext runs;
    private final BenchConfig config;

    LatencyRuns(RunContext runs) {
        this.runs = runs;
        this.config = runs.config();
    }

    /**
     * Publishes at the fixed rate for the warm-up, waits until the consumer has handled all of it (a backlog
     * built up while the JIT was cold must not spill into the measured period), then, if {@code measured},
     * publishes for the measured duration on a new schedule and records every message's latency.
     *
     * @return p50, p99, p99.9 and max in microseconds, or {@code null} for a warm-up pass
     */
    double[] run(int size, BenchTarget target, boolean measured) {
        runs.announce(Scenario.LATENCY, size, target, measured ? "" : "warm-up");
        int rate = config.rate();
        long warmup = Math.round(rate * (config.latencyWarmup().toNanos() / 1e9));
        long recorded = measured ? Math.max(1, Math.round(rate * (config.latencyDuration().toNanos() / 1e9))) : 0;
        long total = warmup + recorded;
        if (total > Integer.MAX_VALUE) {
            throw new BenchmarkException("Latency run too long: " + total + " messages; lower the rate or duration.");
        }
        double interval = 1e9 / rate;
        byte[] template = Payloads.template(size);
        Recorder recorder = new Recorder(HISTOGRAM_MAX_NANOS, 3);
        Countdown warmedUp = new Countdown(warmup);
        Countdown handled = new Countdown(total);
        collectGarbage();
        try (BenchChannel channel = target.open(runs.channelName(Scenario.LATENCY, size, target), (int) total)) {
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
            Schedule.waitUntil(due);
            channel.publish(Payloads.stamp(template, due, i));
        }
    }
}

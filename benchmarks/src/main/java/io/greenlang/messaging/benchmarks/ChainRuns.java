package io.greenlang.messaging.benchmarks;

import static io.greenlang.messaging.benchmarks.RunContext.collectGarbage;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The {@link Scenario#CHAIN} runs, through the library only: a producer publishes to topic A on a fixed
 * schedule; A's handlers (concurrency 4) each publish the message to topic B and wait for the confirmation, as
 * an agent that passes work on does; B's handlers (concurrency 4) record the time from the message's due time
 * on A. Offered rates double from {@value #FIRST_RATE}/s until one is not sustained, then the midpoint between
 * the last two is tried; each rate runs on fresh topics for the latency scenario's warm-up and duration, at most
 * 1 s and 4 s. A rate is sustained when B has handled every message within {@link #CATCH_UP} of the last one's
 * due time.
 */
final class ChainRuns {
    private static final int FIRST_RATE = 500;
    private static final int CONCURRENCY = 4;
    private static final Duration CATCH_UP = Duration.ofSeconds(1);
    /** Each rate's unrecorded start and recorded period, at most: the ladder has up to nine of them. */
    private static final Duration MOST_WARMUP = Duration.ofSeconds(1);
    private static final Duration MOST_RECORDED = Duration.ofSeconds(4);
    private static final long HISTOGRAM_MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final RunContext runs;
    private final BenchConfig config;

    ChainRuns(RunContext runs) {
        this.runs = runs;
        this.config = runs.config();
    }

    /** How many offered rates a chain run may try at most: the doubling ladder (500 to 256,000/s) and a midpoint. */
    static int mostSteps() {
        return 11;
    }

    /**
     * Returns the highest sustained rate (0 if not even the first), p99 there in microseconds, and the rates
     * tried, in that order.
     */
    double[] run(int size, LibraryTarget library) {
        int sustained = 0;
        double p99 = Double.NaN;
        int tried = 0;
        int rate = FIRST_RATE;
        int failed = 0;
        while (tried < mostSteps() - 1) {
            tried++;
            double result = atRate(size, library, rate);
            if (Double.isNaN(result)) {
                failed = rate;
                break;
            }
            sustained = rate;
            p99 = result;
            rate *= 2;
        }
        if (failed > 0 && sustained > 0) {
            int midpoint = (sustained + failed) / 2;
            tried++;
            double result = atRate(size, library, midpoint);
            if (!Double.isNaN(result)) {
                sustained = midpoint;
                p99 = result;
            }
        }
        return new double[] {sustained, p99, tried};
    }

    /** One offered rate on fresh topics: p99 in microseconds if sustained, else NaN. */
    private double atRate(int size, LibraryTarget library, int rate) {
        runs.announce(Scenario.CHAIN, size, library, "offered " + rate + " msg/s");
        long warmup = Math.round(rate * (shorter(config.latencyWarmup(), MOST_WARMUP).toNanos() / 1e9));
        long recorded = Math.round(rate * (shorter(config.latencyDuration(), MOST_RECORDED).toNanos() / 1e9));
        long total = warmup + Math.max(1, recorded);
        String name = runs.channelName(Scenario.CHAIN, size, library);
        String topicA = library.topic(name + "-a");
        String topicB = library.topic(name + "-b");
        Recorder recorder = new Recorder(HISTOGRAM_MAX_NANOS, 3);
        Countdown handled = new Countdown(total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        collectGarbage();
        try (Broker broker = library.connect()) {
            Subscription b = broker.subscribe(options(topicB), delivery -> {
                ByteBuffer payload = delivery.message().payloadBuffer();
                if (payload.getLong(8) >= warmup) {
                    long latency = System.nanoTime() - payload.getLong(0);
                    recorder.recordValue(Math.min(Math.max(latency, 0), HISTOGRAM_MAX_NANOS));
                }
                handled.increment();
            });
            Subscription a = broker.subscribe(options(topicA), delivery -> broker.publish(
                    Message.builder(topicB).payload(delivery.message().payload()).build()));
            try {
                if (!publishAndCatchUp(broker, topicA, size, rate, total, handled, failure)) {
                    return Double.NaN;
                }
            } finally {
                a.close();
                b.close();
            }
        }
        Histogram h = recorder.getIntervalHistogram();
        return h.getValueAtPercentile(99) / 1000.0;
    }

    /**
     * Publishes {@code total} messages to {@code topic} on the schedule of {@code rate}, each stamped with its
     * due time, and returns whether all were handled within {@link #CATCH_UP} of the last one's due time.
     */
    private boolean publishAndCatchUp(Broker broker, String topic, int size, int rate, long total, Countdown handled,
            AtomicReference<Throwable> failure) {
        double interval = 1e9 / rate;
        byte[] template = Payloads.template(size);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        for (long i = 0; i < total; i++) {
            long due = start + (long) (i * interval);
            Schedule.waitUntil(due);
            broker.publishAsync(Message.builder(topic).payload(Payloads.stamp(template, due, i)).build())
                    .whenComplete((result, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                    });
        }
        long lastDue = start + (long) ((total - 1) * interval);
        long left = lastDue + CATCH_UP.toNanos() - System.nanoTime();
        boolean caughtUp = handled.await(Duration.ofNanos(Math.max(left, 0)));
        if (failure.get() != null) {
            throw new BenchmarkException("Publishing to " + topic + " failed: " + failure.get().getMessage(),
                    failure.get());
        }
        return caughtUp;
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static SubscriptionOptions options(String topic) {
        return SubscriptionOptions.builder(topic, "bench")
                .startPosition(StartPosition.EARLIEST)
                .concurrency(CONCURRENCY)
                .build();
    }
}

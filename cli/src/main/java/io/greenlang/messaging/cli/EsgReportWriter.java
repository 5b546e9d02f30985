package io.greenlang.messaging.cli;

import io.greenlang.messaging.Delivery;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The demo's report writer: adds up the results' tonnes per site, counts their ratings and records the end-to-end
 * latency of each (task published to report written). {@link #write} runs on the broker's consumer threads; the
 * other methods may be called from any thread.
 */
final class EsgReportWriter {
    private final Map<String, Double> tonnesPerSite = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ratings = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(TimeUnit.HOURS.toMicros(1), 3);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lastReportNanos = new AtomicLong();
    private final CountDownLatch expected;

    /** @param expected the number of reports that make the run complete */
    EsgReportWriter(int expected) {
        this.expected = new CountDownLatch(expected);
    }

    /** The handler: writes the report of one result. */
    void write(Delivery delivery) {
        EsgResult result = delivery.body(EsgResult.class);
        tonnesPerSite.merge(result.siteId(), result.tonnesCo2e(), Double::sum);
        ratings.computeIfAbsent(result.rating(), r -> new AtomicLong()).incrementAndGet();
        long micros = ChronoUnit.MICROS.between(result.taskCreatedAt(), Instant.now());
        latency.recordValue(Math.max(0, Math.min(micros, TimeUnit.HOURS.toMicros(1))));
        written.incrementAndGet();
        lastReportNanos.accumulateAndGet(System.nanoTime(), Math::max);
        expected.countDown();
    }

    long written() {
        return written.get();
    }

    /** How many of the expected reports are still to be written. */
    long remaining() {
        return expected.getCount();
    }

    /** Waits up to {@code nanos} for the expected reports. */
    void await(long nanos) throws InterruptedException {
        expected.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@link System#nanoTime()} when the latest report was written. */
    long lastReportNanos() {
        return lastReportNanos.get();
    }

    /** The end-to-end latencies in microseconds recorded since the last call. */
    Histogram latencyMicros() {
        return latency.getIntervalHistogram();
    }

    /** The count of each rating, by rating. */
    Map<String, Long> ratings() {
        Map<String, Long> counts = new TreeMap<>();
        ratings.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /** The tonnes of CO2e of each site, by site. */
    Map<String, Double> tonnesPerSite() {
        return new TreeMap<>(tonnesPerSite);
    }

    double totalTonnes() {
        return tonnesPerSite.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}

package io.greenlang.messaging.spi.metrics;

import io.greenlang.messaging.LatencySummary;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies of the last two minutes or so, for {@link BrokerMetrics#snapshot()}: an HdrHistogram
 * {@link Recorder} (wait-free to record into, about two significant digits) beside an exact maximum, both
 * emptied into one of six 20-second slots whenever a slot ends or a summary is asked for. Values above an hour
 * count as an hour in the percentiles.
 *
 * <p>Thread-safe: any number of threads record; summaries and slot changes take this object's lock.
 */
final class LatencyWindow {
    private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final int SLOTS = 6;

    private final Recorder recorder = new Recorder(HIGHEST_NANOS, 2);
    private final LongAccumulator max = new LongAccumulator(Math::max, 0);
    private final Histogram[] slots = new Histogram[SLOTS];
    private final long[] slotMax = new long[SLOTS];
    private final LongSupplier clock;
    private int current;
    private Histogram spare;
    private volatile long slotEndsNanos;

    LatencyWindow() {
        this(System::nanoTime);
    }

    /** A window on the given nanosecond clock, for tests. */
    LatencyWindow(LongSupplier clock) {
        this.clock = clock;
        this.slotEndsNanos = clock.getAsLong() + SLOT_NANOS;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Histogram(HIGHEST_NANOS, 2);
        }
    }

    /** Records one latency; a negative value counts as 0. */
    void record(long nanos) {
        record(nanos, clock.getAsLong());
    }

    /** As {@link #record(long)}, for a caller that has just read this window's clock: {@code nowNanos}. */
    void record(long nanos, long nowNanos) {
        if (nowNanos - slotEndsNanos >= 0) {
            advance(); // first, so that this value lands in the slot that has begun
        }
        long value = Math.max(0, nanos);
        recorder.recordValue(Math.min(value, HIGHEST_NANOS));
        max.accumulate(value);
    }

    /** The percentiles and maximum of what was recorded in the window. */
    synchronized LatencySummary summary() {
        advance();
        Histogram all = new Histogram(HIGHEST_NANOS, 2);
        long highest = 0;
        for (int i = 0; i < SLOTS; i++) {
            all.add(slots[i]);
            highest = Math.max(highest, slotMax[i]);
        }
        long count = all.getTotalCount();
        if (count == 0) {
            return LatencySummary.EMPTY;
        }
        // percentiles are bucket estimates and can land above the exact maximum: never report that
        return new LatencySummary(count, at(all, 50, highest), at(all, 95, highest), at(all, 99, highest),
                Duration.ofNanos(highest));
    }

    /** Moves what was recorded into the current slot, and starts the next slot(s) if the current one ended. */
    private synchronized void advance() {
        spare = recorder.getIntervalHistogram(spare);
        long now = clock.getAsLong();
        long ended = now - slotEndsNanos;
        slots[current].add(spare);
        slotMax[current] = Math.max(slotMax[current], max.getThenReset());
        if (ended < 0) {
            return;
        }
        // the values since the last move belong to the slot that just ended; slots past it are empty
        long passed = Math.min(SLOTS, 1 + ended / SLOT_NANOS);
        for (int i = 0; i < passed; i++) {
            current = (current + 1) % SLOTS;
            slots[current].reset();
            slotMax[current] = 0;
        }
        slotEndsNanos = now + SLOT_NANOS - ended % SLOT_NANOS;
    }

    private static Duration at(Histogram h, double percentile, long max) {
        return Duration.ofNanos(Math.min(h.getValueAtPercentile(percentile), max));
    }
}

package io.greenlang.messaging.spi.runtime;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds since the epoch for latency figures, read as one {@link System#nanoTime()} from an anchor that
 * follows the system clock to within a second: {@link Instant#now()} costs about twice as much, and the runtime
 * measures the end-to-end latency of every delivery.
 */
final class EpochClock {
    private static final long REANCHOR_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Anchor(long epochNanos, long monotonicNanos) {
        static Anchor now() {
            Instant wall = Instant.now();
            return new Anchor(wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), System.nanoTime());
        }
    }

    private static volatile Anchor anchor = Anchor.now();

    private EpochClock() {
    }

    static long epochNanos() {
        return epochNanos(System.nanoTime());
    }

    /** The epoch time at {@code monotonic}, a {@link System#nanoTime()} reading of a moment ago. */
    static long epochNanos(long monotonic) {
        Anchor a = anchor;
        if (monotonic - a.monotonicNanos() > REANCHOR_NANOS) {
            a = Anchor.now(); // threads racing here make equivalent anchors
            anchor = a;
        }
        return a.epochNanos() + (monotonic - a.monotonicNanos());
    }

    /**
     * Nanoseconds from {@code then} to now: 0 if {@code then} lies ahead (the clocks of two hosts), and
     * {@link Long#MAX_VALUE} if it lies too far back to count in nanoseconds.
     */
    static long nanosSince(Instant then) {
        return nanosSince(then, System.nanoTime());
    }

    /** As {@link #nanosSince(Instant)}, up to {@code monotonic}: a {@link System#nanoTime()} read a moment ago. */
    static long nanosSince(Instant then, long monotonic) {
        long now = epochNanos(monotonic);
        long seconds = Math.floorDiv(now, 1_000_000_000L) - then.getEpochSecond();
        if (seconds < 0) {
            return 0;
        }
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, seconds * 1_000_000_000L + (Math.floorMod(now, 1_000_000_000L) - then.getNano()));
    }
}

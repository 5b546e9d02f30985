package io.greenlang.messaging;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The clock new messages are dated by, and that brokers measure end-to-end latency on: the system clock read as
 * one {@link System#nanoTime()} from an anchor taken at most a second ago. {@link Instant#now()} and the truncation
 * to microseconds cost about as much as the rest of building a message. The anchor's monotonic reading is taken
 * before its wall-clock reading, so this clock never reads earlier than an {@code Instant.now()} read before it.
 */
public final class WallClock {
    private static final long REANCHOR_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TIGHT_ANCHOR_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final int ANCHOR_TRIES = 8;

    private record Anchor(long epochNanos, long monotonicNanos) {
        /**
         * The wall-clock reading is dated at the monotonic reading before it, so the anchor runs ahead by the time
         * between the two: a thread descheduled there (milliseconds on a busy machine) would date messages that
         * far ahead for a second. The tightest of a few tries bounds it.
         */
        static Anchor now() {
            Anchor best = null;
            long bestGap = Long.MAX_VALUE;
            for (int i = 0; i < ANCHOR_TRIES && bestGap > TIGHT_ANCHOR_NANOS; i++) {
                long monotonic = System.nanoTime();
                Instant wall = Instant.now();
                long gap = System.nanoTime() - monotonic;
                if (gap < bestGap) {
                    bestGap = gap;
                    best = new Anchor(wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), monotonic);
                }
            }
            return best;
        }
    }

    private static volatile Anchor anchor = Anchor.now();

    private WallClock() {
    }

    /** Nanoseconds since the epoch, now. */
    public static long epochNanos() {
        return epochNanos(System.nanoTime());
    }

    /**
     * Nanoseconds since the epoch at {@code monotonicNanos}, a {@link System#nanoTime()} read a moment ago: for a
     * caller that needs that reading too.
     */
    public static long epochNanos(long monotonicNanos) {
        Anchor a = anchor;
        if (monotonicNanos - a.monotonicNanos() > REANCHOR_NANOS) {
            a = Anchor.now(); // threads racing here make equivalent anchors
            anchor = a;
        }
        return a.epochNanos() + (monotonicNanos - a.monotonicNanos());
    }

    static Instant ofEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
    }
}

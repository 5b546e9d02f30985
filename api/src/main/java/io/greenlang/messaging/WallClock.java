package io.greenlang.messaging;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The creation time of new messages: the system clock read as one {@link System#nanoTime()} from an anchor taken
 * at most a second ago, to the microsecond. {@link Instant#now()} and the truncation cost about as much as the rest
 * of building a message. The anchor's monotonic reading is taken before its wall-clock reading, so a message is
 * never dated before an {@code Instant.now()} read ahead of its creation. (The spi's runtime keeps the same kind of
 * clock for latencies; this module depends on nothing, so each has its own.)
 */
final class WallClock {
    private static final long REANCHOR_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Anchor(long epochNanos, long monotonicNanos) {
        static Anchor now() {
            long monotonic = System.nanoTime();
            Instant wall = Instant.now();
            return new Anchor(wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), monotonic);
        }
    }

    private static volatile Anchor anchor = Anchor.now();

    private WallClock() {
    }

    /** Microseconds since the epoch, now. */
    static long epochMicros() {
        long monotonic = System.nanoTime();
        Anchor a = anchor;
        if (monotonic - a.monotonicNanos() > REANCHOR_NANOS) {
            a = Anchor.now(); // threads racing here make equivalent anchors
            anchor = a;
            monotonic = a.monotonicNanos();
        }
        return (a.epochNanos() + (monotonic - a.monotonicNanos())) / 1_000;
    }

    static Instant ofEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
    }
}

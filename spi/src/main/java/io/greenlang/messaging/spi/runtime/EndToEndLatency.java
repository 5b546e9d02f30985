package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.WallClock;
import java.time.Instant;

/** The time from a message's creation to its handling, on the {@link WallClock} messages are dated by. */
final class EndToEndLatency {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private EndToEndLatency() {
    }

    /**
     * Nanoseconds from {@code createdAt} to {@code monotonicNanos}, a {@link System#nanoTime()} read a moment ago:
     * 0 if {@code createdAt} lies ahead (the clocks of two hosts), and {@link Long#MAX_VALUE} if it lies too far back
     * to count in nanoseconds.
     */
    static long nanosSince(Instant createdAt, long monotonicNanos) {
        long now = WallClock.epochNanos(monotonicNanos);
        long seconds = Math.floorDiv(now, NANOS_PER_SECOND) - createdAt.getEpochSecond();
        if (seconds < 0) {
            return 0;
        }
        if (seconds >= Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, seconds * NANOS_PER_SECOND + (Math.floorMod(now, NANOS_PER_SECOND) - createdAt.getNano()));
    }
}

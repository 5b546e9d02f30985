package io.greenlang.messaging.spi.wire;

import java.time.Instant;

/**
 * Instants as microseconds since 1970-01-01T00:00:00Z in a {@code long}, the time unit of the envelope, the
 * provenance hash and the backends' own records: about 292,000 years either side of 1970. Finer digits are
 * dropped toward the past, so every instant maps to the microsecond that contains it.
 */
public final class EpochMicros {
    private static final long PER_SECOND = 1_000_000L;

    private EpochMicros() {
    }

    /**
     * The microsecond of {@code instant}.
     *
     * @throws ArithmeticException if it lies outside the range of a {@code long}
     */
    public static long of(Instant instant) {
        long seconds = instant.getEpochSecond();
        int micros = instant.getNano() / 1000;
        if (seconds < 0 && micros > 0) {
            // seconds * 10^6 alone overflows for the earliest microseconds of a long, though the sum fits
            return Math.addExact(Math.multiplyExact(seconds + 1, PER_SECOND), micros - PER_SECOND);
        }
        return Math.addExact(Math.multiplyExact(seconds, PER_SECOND), micros);
    }

    /** The start of microsecond {@code micros}; every {@code long} has one. */
    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, PER_SECOND), Math.floorMod(micros, PER_SECOND) * 1000L);
    }
}

package io.greenlang.messaging;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUIDv7 identifiers (RFC 9562), made on the client. Ids from one JVM are strictly increasing, also within
 * one millisecond: the 12-bit {@code rand_a} field holds a counter (RFC 9562, method 1), and when it
 * overflows the timestamp borrows from the next millisecond.
 */
public final class MessageIds {
    private static final AtomicLong LAST = new AtomicLong();

    private MessageIds() {
    }

    /** A new id, greater than every id this JVM made before. */
    public static String next() {
        return next(System.currentTimeMillis());
    }

    /** As {@link #next()}, for a caller that has just read the clock: {@code epochMillis} is that reading. */
    static String next(long epochMillis) {
        long now = epochMillis << 12;
        long stamp;
        while (true) {
            long last = LAST.get();
            stamp = Math.max(now, last + 1);
            if (LAST.compareAndSet(last, stamp)) {
                break;
            }
        }
        long millis = stamp >>> 12;
        long counter = stamp & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}

package io.greenlang.messaging.redis;

/**
 * Which appends to one stream carry the trim clause: the first in a new second (the {@link TrimThreshold} moves
 * once a second) and the {@value #TRIM_EVERY}th since the stream's last trim. Redis spends about as much on the trim
 * clause as on storing a small entry, and with one threshold a second a trim on every append finds nothing new to
 * remove; the count keeps trimming ahead of any append rate, as one trim removes up to 10,000 entries ({@code ~}'s
 * default limit). A stream so holds up to about {@value #TRIM_EVERY} entries more than {@code MAXLEN ~ n} alone
 * would leave. Thread-safe.
 */
final class TrimSchedule {
    static final int TRIM_EVERY = 100;

    private long trimmedInSecond = Long.MIN_VALUE;
    private int appendsSinceTrim;

    /**
     * Of {@code appends} consecutive appends made in {@code second}, the offset of the first to carry the
     * clause, or -1 for none; after it, every {@value #TRIM_EVERY}th carries it too.
     */
    synchronized int firstTrim(long second, int appends) {
        int first = second == trimmedInSecond ? TRIM_EVERY - 1 - appendsSinceTrim : 0;
        if (first >= appends) {
            appendsSinceTrim += appends;
            return -1;
        }
        int last = first + (appends - 1 - first) / TRIM_EVERY * TRIM_EVERY;
        trimmedInSecond = second;
        appendsSinceTrim = appends - 1 - last;
        return first;
    }

    /** Whether the append at {@code offset} in a run whose first trim is at {@code firstTrim} carries the clause. */
    static boolean trims(int firstTrim, int offset) {
        return firstTrim >= 0 && offset >= firstTrim && (offset - firstTrim) % TRIM_EVERY == 0;
    }
}

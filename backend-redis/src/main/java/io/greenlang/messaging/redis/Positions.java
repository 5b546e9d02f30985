package io.greenlang.messaging.redis;

import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.priority.PriorityBands;

/**
 * Positions of this backend: <code><i>band</i>:<i>ms</i>-<i>seq</i></code>, the band stream (0, 1 or 2) and
 * the entry id in it, for example {@code 1:1718000000000-3}. A retried, released or replayed message keeps the
 * position of its original entry.
 *
 * <p>{@link io.greenlang.messaging.Broker#read} merges the three band streams into one log ordered by entry
 * time (the id's milliseconds), then band (lowest first), then sequence. Within one band this is the
 * stream's own order, which is publish order; across bands, messages published in the same millisecond are
 * ordered by band, since separate streams have no common sequence. Reading after a position continues exactly
 * behind it in that order.
 */
final class Positions {
    private Positions() {
    }

    /** A decoded position. */
    record StreamPosition(int band, long millis, long sequence) {
        String entryId() {
            return millis + "-" + sequence;
        }

        /** Compares in log order: time, band, sequence. */
        int compareTo(StreamPosition o) {
            int c = Long.compare(millis, o.millis);
            if (c == 0) {
                c = Integer.compare(band, o.band);
            }
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    static Position of(int band, String entryId) {
        return new Position(band + ":" + entryId);
    }

    /**
     * Decodes a position of this backend.
     *
     * @throws IllegalArgumentException if it is not one
     */
    static StreamPosition parse(Position position) {
        String v = position.value();
        int colon = v.indexOf(':');
        int dash = v.indexOf('-', colon + 1);
        try {
            if (colon == 1 && dash > colon) {
                int band = Integer.parseInt(v.substring(0, colon));
                long millis = Long.parseLong(v.substring(colon + 1, dash));
                long seq = Long.parseLong(v.substring(dash + 1));
                if (band >= 0 && band < PriorityBands.COUNT && millis >= 0 && seq >= 0) {
                    return new StreamPosition(band, millis, seq);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + v + "' is not a position of the Redis backend; expected "
                + "band:ms-seq such as 1:1718000000000-0, as returned by publish or read.");
    }

    /**
     * The milliseconds of an entry id {@code ms-seq} that starts at {@code from} in {@code s}, or -1 if there is
     * none there. Parses in place: it runs for every entry read.
     */
    static long leadingMillis(String s, int from) {
        long millis = 0;
        int i = from;
        for (; i < s.length() && i - from < 19; i++) {
            char c = s.charAt(i);
            if (c == '-') {
                break;
            }
            if (c < '0' || c > '9') {
                return -1;
            }
            millis = millis * 10 + (c - '0');
        }
        return i > from && i < s.length() && s.charAt(i) == '-' ? millis : -1;
    }

    /** Parses a stream entry id {@code ms-seq}. */
    static long[] entryId(String id) {
        int dash = id.indexOf('-');
        return new long[] {Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1))};
    }
}

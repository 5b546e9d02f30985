package io.greenlang.messaging.kafka;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * Per-message acknowledgement on top of one partition's offset: records complete in any order; the committed
 * offset is the first record not yet complete (the contiguous completed prefix), and the records completed above
 * it travel in the commit's metadata as offset ranges ({@code gl1:} then {@code from-to} pairs relative to the
 * committed offset, comma separated). A member that takes the partition over skips those, so nothing acknowledged
 * is handed over again after a restart or a rebalance, and nothing unacknowledged is skipped.
 *
 * <p>The metadata is kept under {@value #MAX_METADATA} characters (Kafka's default limit is 4096); if more ranges
 * are complete than fit, the highest ones are left out, and those records may be handed over once more.
 *
 * <p>Thread-safe (every method synchronizes on the tracker).
 */
final class PartitionTracker {
    static final String PREFIX = "gl1:";
    static final int MAX_METADATA = 3000;

    private final TreeSet<Long> pending = new TreeSet<>();
    private final List<long[]> skip;
    private long highestSeen = -1;

    /** A tracker that skips what {@code committed}'s metadata says was complete above its offset. */
    PartitionTracker(OffsetAndMetadata committed) {
        this.skip = committed == null ? List.of() : completedRanges(committed);
    }

    /**
     * Registers a fetched record.
     *
     * @return {@code false} if it was completed before (listed in the committed metadata): do not hand it over
     */
    synchronized boolean fetched(long offset) {
        highestSeen = Math.max(highestSeen, offset);
        for (long[] r : skip) {
            if (offset >= r[0] && offset <= r[1]) {
                return false;
            }
        }
        pending.add(offset);
        return true;
    }

    synchronized void done(long offset) {
        pending.remove(offset);
    }

    /** Records fetched and not complete. */
    synchronized int pendingCount() {
        return pending.size();
    }

    /** What to commit now, or {@code null} if nothing was fetched yet. */
    synchronized OffsetAndMetadata commitPoint() {
        if (highestSeen < 0) {
            return null;
        }
        long base = pending.isEmpty() ? highestSeen + 1 : pending.first();
        if (pending.isEmpty()) {
            return new OffsetAndMetadata(base, PREFIX);
        }
        StringBuilder sb = new StringBuilder(PREFIX);
        Iterator<Long> it = pending.iterator();
        long previous = it.next();
        boolean first = true;
        while (true) {
            long next = it.hasNext() ? it.next() : highestSeen + 1;
            if (next > previous + 1) {
                String range = (previous + 1 - base) + "-" + (next - 1 - base);
                if (sb.length() + range.length() + 1 > MAX_METADATA) {
                    break;
                }
                sb.append(first ? "" : ",").append(range);
                first = false;
            }
            previous = next;
            if (next > highestSeen) {
                break;
            }
        }
        return new OffsetAndMetadata(base, sb.toString());
    }

    /** The absolute offset ranges (inclusive) that a commit's metadata marks complete above its offset. */
    static List<long[]> completedRanges(OffsetAndMetadata committed) {
        String m = committed.metadata();
        List<long[]> out = new ArrayList<>();
        if (m == null || !m.startsWith(PREFIX) || m.length() == PREFIX.length()) {
            return out;
        }
        for (String range : m.substring(PREFIX.length()).split(",")) {
            int dash = range.indexOf('-');
            try {
                long from = Long.parseLong(range.substring(0, dash));
                long to = Long.parseLong(range.substring(dash + 1));
                if (from >= 0 && to >= from) {
                    out.add(new long[] {committed.offset() + from, committed.offset() + to});
                }
            } catch (RuntimeException e) {
                return List.of(); // not ours: ignore it
            }
        }
        return out;
    }

    /** How many offsets above the committed one its metadata marks complete. */
    static long completedAbove(OffsetAndMetadata committed) {
        long n = 0;
        for (long[] r : completedRanges(committed)) {
            n += r[1] - r[0] + 1;
        }
        return n;
    }
}

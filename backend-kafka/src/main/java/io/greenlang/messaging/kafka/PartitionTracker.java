package io.greenlang.messaging.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * Per-message acknowledgement on top of one partition's offset: records complete in any order; the committed
 * offset is the first record not yet complete (the contiguous completed prefix), and the records completed above
 * it travel in the commit's metadata as offset ranges ({@code gl1:} then {@code from-to} pairs relative to the
 * committed offset, comma separated). A member that takes the partition over skips those, so nothing acknowledged
 * is handed over again after a restart or a rebalance, and nothing unacknowledged is skipped. After {@code ;h:}
 * follow the offsets (relative, comma separated) handed to a handler and not finished: should the member die, the
 * next owner delivers those with a raised attempt number, as a redelivery after a lost lease.
 *
 * <p>The metadata is kept under {@value #MAX_METADATA} characters (Kafka's default limit is 4096); if more ranges
 * are complete than fit, the highest ones are left out, and those records may be handed over once more.
 *
 * <p>Fetched offsets arrive in increasing order; they are kept in a ring with a completion flag each, from the
 * first incomplete one on. Thread-safe (every method synchronizes on the tracker).
 */
final class PartitionTracker {
    static final String PREFIX = "gl1:";
    static final int MAX_METADATA = 3000;
    private static final String HANDED_OUT = ";h:";

    private final List<long[]> skip;
    private final List<long[]> handedOutBefore;
    private long[] offsets = new long[64];
    private boolean[] done = new boolean[64];
    private boolean[] handedOut = new boolean[64];
    private int head;
    private int size;
    private int pending;
    private long highestSeen = -1;

    /** A tracker that skips what {@code committed}'s metadata says was complete above its offset. */
    PartitionTracker(OffsetAndMetadata committed) {
        this.skip = committed == null ? List.of() : completedRanges(committed);
        this.handedOutBefore = committed == null ? List.of() : handedOutRanges(committed);
    }

    /**
     * Whether the previous owner had handed this record to a handler without finishing it (it died, or its lease
     * ran out as it closed): the record's next delivery is then a redelivery, with a raised attempt number.
     */
    synchronized boolean handedOutBefore(long offset) {
        return contains(handedOutBefore, offset);
    }

    /** The record was handed to a handler; until it completes, commits say so. */
    synchronized void handedOut(long offset, boolean value) {
        int i = indexOf(offset);
        if (i >= 0) {
            handedOut[i] = value;
        }
    }

    private static boolean contains(List<long[]> ranges, long offset) {
        for (int i = 0; i < ranges.size(); i++) {
            long[] r = ranges.get(i);
            if (offset >= r[0] && offset <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Registers a fetched record.
     *
     * @return {@code false} if it was completed before (listed in the committed metadata): do not hand it over
     */
    synchronized boolean fetched(long offset) {
        if (offset <= highestSeen) {
            return false; // fetched twice (a seek back): the first copy is tracked
        }
        highestSeen = offset;
        if (contains(skip, offset)) {
            return false;
        }
        if (size == offsets.length) {
            grow();
        }
        int slot = (head + size) & (offsets.length - 1);
        offsets[slot] = offset;
        done[slot] = false;
        handedOut[slot] = false;
        size++;
        pending++;
        return true;
    }

    synchronized void done(long offset) {
        int i = indexOf(offset);
        if (i < 0 || done[i]) {
            return;
        }
        done[i] = true;
        handedOut[i] = false;
        pending--;
        while (size > 0 && done[head]) {
            head = (head + 1) & (offsets.length - 1);
            size--;
        }
    }

    /** Records fetched and not complete. */
    synchronized int pendingCount() {
        return pending;
    }

    /** What to commit now, or {@code null} if nothing was fetched yet. */
    synchronized OffsetAndMetadata commitPoint() {
        if (highestSeen < 0) {
            return null;
        }
        if (size == 0) {
            return new OffsetAndMetadata(highestSeen + 1, PREFIX);
        }
        int mask = offsets.length - 1;
        long base = offsets[head];
        StringBuilder sb = new StringBuilder(PREFIX);
        long runStart = -1;
        long previous = base;
        for (int k = 1; k <= size; k++) {
            boolean end = k == size;
            int slot = (head + k) & mask;
            long offset = end ? highestSeen + 1 : offsets[slot];
            boolean complete = !end && done[slot];
            // offsets skipped between two fetched ones (control records, compaction) count as complete
            if (offset > previous + 1 && runStart < 0) {
                runStart = previous + 1;
            }
            if (complete) {
                if (runStart < 0) {
                    runStart = offset;
                }
            } else if (runStart >= 0) {
                long runEnd = offset - 1;
                if (runEnd >= runStart) {
                    String range = (runStart - base) + "-" + (runEnd - base);
                    if (sb.length() + range.length() + 1 > MAX_METADATA) {
                        break;
                    }
                    sb.append(sb.length() == PREFIX.length() ? "" : ",").append(range);
                }
                runStart = -1;
            }
            previous = offset;
        }
        StringBuilder leased = new StringBuilder();
        for (int k = 0; k < size; k++) {
            int slot = (head + k) & mask;
            if (handedOut[slot] && !done[slot]) {
                String one = Long.toString(offsets[slot] - base);
                if (sb.length() + HANDED_OUT.length() + leased.length() + one.length() + 1 > MAX_METADATA) {
                    break;
                }
                leased.append(leased.length() == 0 ? "" : ",").append(one);
            }
        }
        if (leased.length() > 0) {
            sb.append(HANDED_OUT).append(leased);
        }
        return new OffsetAndMetadata(base, sb.toString());
    }

    private int indexOf(long offset) {
        int lo = 0;
        int hi = size - 1;
        int mask = offsets.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = offsets[(head + mid) & mask];
            if (v < offset) {
                lo = mid + 1;
            } else if (v > offset) {
                hi = mid - 1;
            } else {
                return (head + mid) & mask;
            }
        }
        return -1;
    }

    private void grow() {
        long[] o = new long[offsets.length * 2];
        boolean[] d = new boolean[offsets.length * 2];
        boolean[] h = new boolean[offsets.length * 2];
        int mask = offsets.length - 1;
        for (int k = 0; k < size; k++) {
            o[k] = offsets[(head + k) & mask];
            d[k] = done[(head + k) & mask];
            h[k] = handedOut[(head + k) & mask];
        }
        offsets = o;
        done = d;
        handedOut = h;
        head = 0;
    }

    /** The absolute offset ranges (inclusive) that a commit's metadata marks complete above its offset. */
    static List<long[]> completedRanges(OffsetAndMetadata committed) {
        String m = committed.metadata();
        List<long[]> out = new ArrayList<>();
        if (m == null || !m.startsWith(PREFIX)) {
            return out;
        }
        int h = m.indexOf(HANDED_OUT);
        String ranges = m.substring(PREFIX.length(), h < 0 ? m.length() : h);
        if (ranges.isEmpty()) {
            return out;
        }
        for (String range : ranges.split(",")) {
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

    /** The absolute offsets a commit's metadata marks as handed out and unfinished, as one-offset ranges. */
    static List<long[]> handedOutRanges(OffsetAndMetadata committed) {
        String m = committed.metadata();
        List<long[]> out = new ArrayList<>();
        int h = m == null || !m.startsWith(PREFIX) ? -1 : m.indexOf(HANDED_OUT);
        if (h < 0 || h + HANDED_OUT.length() == m.length()) {
            return out;
        }
        for (String one : m.substring(h + HANDED_OUT.length()).split(",")) {
            try {
                long o = committed.offset() + Long.parseLong(one);
                out.add(new long[] {o, o});
            } catch (NumberFormatException e) {
                return List.of();
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

    @Override
    public synchronized String toString() {
        return "PartitionTracker{pending=" + pending + ", highestSeen=" + highestSeen + ", window="
                + Arrays.toString(Arrays.copyOf(offsets, Math.min(4, size))) + "...}";
    }
}

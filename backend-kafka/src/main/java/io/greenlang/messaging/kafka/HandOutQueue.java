package io.greenlang.messaging.kafka;

import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The order in which a member hands out what it fetched.
 *
 * <p>Each band's records are handed out oldest first (broker append time, then message id, across partitions), a due
 * retry of the band ahead of the heads of its partitions; the member's {@link BandScheduler} chooses the band of each
 * hand-out among those with records fetched. Right after an assignment, lower bands wait (at most
 * {@value #BAND_HOLD_MILLIS} ms) until every higher band has been fetched once, so a backlog is not served in the
 * order its fetches happened to arrive.
 *
 * <p>Retry records wait here until they are due. A retry record whose handler on this member still hangs is held
 * aside: it is not handed out here while that handler runs.
 *
 * <p>Not thread-safe: used under the lock of {@link OwnedPartitions}, which also guards the partitions' buffers.
 */
final class HandOutQueue {
    static final long BAND_HOLD_MILLIS = 1000;
    private static final long BAND_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(BAND_HOLD_MILLIS);

    /** The band partitions of each band; they buffer their fetched records themselves. */
    private final List<List<AssignedPartition>> bandParts = new ArrayList<>();
    private final List<ArrayDeque<FetchedRecord>> dueRetries = new ArrayList<>();
    private final PriorityQueue<FetchedRecord> delayed = new PriorityQueue<>(
            Comparator.comparingLong(r -> r.dueMillis));
    private final List<FetchedRecord> heldAside = new ArrayList<>();
    private final BandScheduler scheduler = new BandScheduler();
    /** Whether some band partition was assigned recently and may not have been fetched yet. */
    private boolean holding;

    HandOutQueue() {
        for (int i = 0; i < PriorityBands.COUNT; i++) {
            dueRetries.add(new ArrayDeque<>());
            bandParts.add(new ArrayList<>());
        }
    }

    /**
     * The member now owns {@code all}; after an assignment ({@code added}), lower bands wait until the new band
     * partitions were fetched once.
     */
    void partitionsChanged(Collection<AssignedPartition> all, boolean added) {
        bandParts.forEach(List::clear);
        for (AssignedPartition p : all) {
            if (!p.retry) {
                bandParts.get(p.band).add(p);
            }
        }
        if (added) {
            holding = true;
        }
    }

    /** Queues a fetched record of a partition this member owns; retries wait until due, or aside if hung here. */
    void add(FetchedRecord r, long nowMillis, Predicate<String> hungHere) {
        if (!r.part.retry) {
            r.part.buffered.addLast(r);
        } else if (hungHere.test(r.inbound.position().value())) {
            heldAside.add(r); // its handler here still hangs: it is for another member
        } else if (r.dueMillis <= nowMillis) {
            dueRetries.get(r.band).addLast(r);
        } else {
            delayed.add(r);
        }
    }

    /** A record handed out and released comes back first in its place. */
    void putBack(FetchedRecord r) {
        if (r.part.retry) {
            dueRetries.get(r.band).addFirst(r);
        } else {
            r.part.buffered.addFirst(r);
        }
    }

    /** Moves the retries due by {@code nowMillis} to their bands. */
    void promoteDue(long nowMillis) {
        while (!delayed.isEmpty() && delayed.peek().dueMillis <= nowMillis) {
            FetchedRecord r = delayed.poll();
            dueRetries.get(r.band).addLast(r);
        }
    }

    /** When the first delayed retry is due, if there is one. */
    OptionalLong nextDueMillis() {
        return delayed.isEmpty() ? OptionalLong.empty() : OptionalLong.of(delayed.peek().dueMillis);
    }

    /** Takes up to {@code max} records in the order of the band scheduler. */
    List<InboundMessage> take(int max, long nowNanos) {
        List<InboundMessage> out = new ArrayList<>();
        if (holding && hiddenBacklogAbove(-1, nowNanos)) {
            return out; // right after an assignment, wait until every band was fetched once, to order the backlog
        }
        boolean[] hiddenAbove = new boolean[PriorityBands.COUNT];
        if (holding) {
            holding = false;
            for (int b = 0; b < PriorityBands.COUNT; b++) {
                hiddenAbove[b] = hiddenBacklogAbove(b, nowNanos);
                holding |= hiddenAbove[b];
            }
        }
        FetchedRecord[] heads = new FetchedRecord[PriorityBands.COUNT];
        BandScheduler.Bands bands = new BandScheduler.Bands() {
            @Override
            public boolean isWaiting(int band) {
                return heads[band] != null;
            }

            @Override
            public int compareOldest(int a, int b) {
                return FetchedRecord.oldestFirst(heads[a], heads[b]);
            }
        };
        while (out.size() < max) {
            int high = -1;
            for (int b = PriorityBands.COUNT - 1; b >= 0; b--) {
                heads[b] = head(b);
                if (heads[b] != null && high < 0) {
                    high = b;
                }
            }
            if (high < 0) {
                break;
            }
            if (hiddenAbove[high]) {
                break; // a higher band was not fetched yet: do not serve a lower one in its place
            }
            FetchedRecord chosen = heads[scheduler.next(bands)];
            remove(chosen);
            out.add(chosen.inbound);
        }
        return out;
    }

    /** The oldest record of a band ready to hand out: a due retry first, else the oldest partition head. */
    private FetchedRecord head(int band) {
        FetchedRecord retry = dueRetries.get(band).peekFirst();
        if (retry != null) {
            return retry;
        }
        FetchedRecord best = null;
        for (AssignedPartition p : bandParts.get(band)) {
            FetchedRecord h = p.buffered.peekFirst();
            if (h != null && (best == null || FetchedRecord.oldestFirst(h, best) < 0)) {
                best = h;
            }
        }
        return best;
    }

    private void remove(FetchedRecord r) {
        if (r.part.retry) {
            dueRetries.get(r.band).remove(r);
        } else {
            r.part.buffered.pollFirst();
        }
    }

    /**
     * Whether a band (above {@code band}, or any band when {@code band} is -1) may hold records not fetched yet,
     * shortly after an assignment.
     */
    private boolean hiddenBacklogAbove(int band, long nowNanos) {
        for (List<AssignedPartition> partitions : bandParts) {
            for (AssignedPartition p : partitions) {
                if (p.band > band && p.buffered.isEmpty() && nowNanos - p.assignedNanos < BAND_HOLD_NANOS) {
                    OptionalLong lag = p.lag;
                    if (lag.isEmpty() || lag.getAsLong() > 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Records held aside whose handler here returned go back to their band, first; those of partitions gone are
     * dropped.
     *
     * @return whether some record went back to its band
     */
    boolean returnHeldAside(Predicate<String> hungHere) {
        boolean returned = false;
        for (Iterator<FetchedRecord> it = heldAside.iterator(); it.hasNext();) {
            FetchedRecord r = it.next();
            if (r.part.gone) {
                it.remove();
            } else if (!hungHere.test(r.inbound.position().value())) {
                it.remove();
                dueRetries.get(r.band).addFirst(r);
                returned = true;
            }
        }
        return returned;
    }

    /** Takes the records held aside, if {@code canMove} says they can go to another member now; else none. */
    List<FetchedRecord> takeHeldAside(BooleanSupplier canMove) {
        if (heldAside.isEmpty() || !canMove.getAsBoolean()) {
            return List.of();
        }
        List<FetchedRecord> move = new ArrayList<>(heldAside);
        heldAside.clear();
        return move;
    }

    /** Drops the records of partitions this member no longer owns. */
    void drop(Collection<AssignedPartition> gone) {
        for (AssignedPartition p : gone) {
            p.buffered.clear();
        }
        for (ArrayDeque<FetchedRecord> q : dueRetries) {
            q.removeIf(r -> gone.contains(r.part));
        }
        heldAside.removeIf(r -> gone.contains(r.part));
        delayed.removeIf(r -> gone.contains(r.part));
    }

    int dueRetryCount() {
        int due = 0;
        for (ArrayDeque<FetchedRecord> q : dueRetries) {
            due += q.size();
        }
        return due;
    }

    int delayedCount() {
        return delayed.size();
    }
}

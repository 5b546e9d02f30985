package io.greenlang.messaging.kafka;

import io.greenlang.messaging.kafka.FetchedRecord.State;
import io.greenlang.messaging.spi.runtime.HandOvers;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The records a member gave to its runtime, and their leases.
 *
 * <p>A record given to the runtime is leased for the subscription's lease timeout, again from its hand-over to a
 * handler; an extension moves the deadline. A settlement that writes the record elsewhere (a retry, a dead letter)
 * holds it {@link State#SETTLING} until the broker has the copy; then it is complete for its partition's committed
 * prefix. When a lease runs out the record is written back to the group (see {@link #expire}); the late handler's
 * settlement is then ignored, and if that handler had the record (it hangs), its position is remembered until it
 * returns, so that the record is not handed out here again meanwhile.
 *
 * <p>Thread-safe: settlements come from any thread; each record's lease fields are guarded by the record.
 */
final class Leases {
    /** What becomes of a record whose lease ran out: it is written back to the group as {@code attempt}. */
    interface Expiry {
        void expired(FetchedRecord r, int attempt);
    }

    private final Set<FetchedRecord> leased = ConcurrentHashMap.newKeySet();
    /** Positions of records whose lease ran out while their handler here still runs (it hangs). */
    private final Set<String> hungHere = ConcurrentHashMap.newKeySet();
    private final Runnable changed;

    /** {@code changed} is told when a settlement completes or a hanging handler returns. */
    Leases(Runnable changed) {
        this.changed = changed;
    }

    /** The runtime took these records: each is leased for {@code leaseTimeout} from now. */
    void lease(List<InboundMessage> taken, Duration leaseTimeout) {
        long deadline = System.nanoTime() + leaseTimeout.toNanos();
        for (InboundMessage m : taken) {
            FetchedRecord r = FetchedRecord.of(m);
            synchronized (r) {
                r.state = State.LEASED;
                r.deadlineNanos = deadline;
            }
            leased.add(r);
        }
    }

    /** The lease runs from here; commits list the record as handed out, so a next owner raises its attempt. */
    void handedOver(FetchedRecord r, Duration leaseTimeout) {
        synchronized (r) {
            if (r.state != State.LEASED) {
                return;
            }
            r.handedOver = true;
            r.deadlineNanos = System.nanoTime() + leaseTimeout.toNanos();
        }
        r.part.tracker.handedOut(r.offset, true);
    }

    /** Keeps the record leased for {@code extension} from now; {@code false} if its lease was lost or it settled. */
    boolean extend(FetchedRecord r, Duration extension) {
        synchronized (r) {
            if (r.state != State.LEASED) {
                return false;
            }
            r.deadlineNanos = System.nanoTime() + extension.toNanos();
            return true;
        }
    }

    /** The handler finished the record: it is complete, unless its lease had run out. */
    void ack(FetchedRecord r) {
        if (r.transition(State.LEASED, State.DONE)) {
            complete(r);
        } else {
            returnedLate(r);
        }
    }

    /**
     * The record is about to be written elsewhere; {@code false} if its lease had run out (then it is written back to
     * the group already, and this settlement is ignored).
     */
    boolean startSettling(FetchedRecord r) {
        if (r.transition(State.LEASED, State.SETTLING)) {
            return true;
        }
        returnedLate(r);
        return false;
    }

    /** The broker has the copy: the original is complete. */
    void settled(FetchedRecord r) {
        if (r.transition(State.SETTLING, State.DONE)) {
            complete(r);
        }
        changed.run();
    }

    /** Writing the copy failed: the record stays leased briefly, and is written again when that runs out. */
    void failedSettlement(FetchedRecord r) {
        synchronized (r) {
            if (r.state == State.SETTLING) {
                r.state = State.LEASED;
                r.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            }
        }
    }

    /**
     * Takes back a record the runtime released without handing it over; it keeps its attempt.
     *
     * @return {@code false} if it was not leased (any more)
     */
    boolean release(FetchedRecord r) {
        synchronized (r) {
            if (r.state != State.LEASED) {
                return false;
            }
            r.state = State.BUFFERED;
            r.handedOver = false;
        }
        leased.remove(r);
        r.part.tracker.handedOut(r.offset, false);
        return true;
    }

    /**
     * Takes a record that was never handed out here (held aside) to write it elsewhere.
     *
     * @return {@code false} if it was taken already
     */
    boolean startMoving(FetchedRecord r) {
        if (!r.transition(State.BUFFERED, State.SETTLING)) {
            return false;
        }
        leased.add(r);
        return true;
    }

    /**
     * Hands each record whose lease ran out by {@code nowNanos} to {@code expiry}, with the attempt raised if a
     * handler had it ({@link HandOvers}); such a handler's record counts as hung here from now.
     */
    void expire(long nowNanos, Expiry expiry) {
        for (FetchedRecord r : leased) {
            boolean handedOver;
            synchronized (r) {
                if (r.state != State.LEASED || nowNanos - r.deadlineNanos < 0) {
                    continue;
                }
                r.state = State.SETTLING;
                handedOver = r.handedOver;
            }
            int attempt = HandOvers.next(r.inbound.attempt(), handedOver);
            if (handedOver) {
                hungHere.add(r.inbound.position().value());
            }
            expiry.expired(r, attempt);
        }
    }

    /** Whether a handler here holds the record at {@code position} past its lease. */
    boolean isHungHere(String position) {
        return hungHere.contains(position);
    }

    /** Whether records of {@code of} are still with the runtime or being written elsewhere. */
    boolean hasOutstanding(Collection<AssignedPartition> of) {
        for (FetchedRecord r : leased) {
            if (of.contains(r.part)) {
                State s = r.state();
                if (s == State.LEASED || s == State.SETTLING) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether records of {@code of} are being written elsewhere. */
    boolean hasSettling(Collection<AssignedPartition> of) {
        for (FetchedRecord r : leased) {
            if (of.contains(r.part) && r.state() == State.SETTLING) {
                return true;
            }
        }
        return false;
    }

    /** The partitions {@code gone} left this member: their records still leased are lost to it. */
    void lose(Collection<AssignedPartition> gone) {
        for (FetchedRecord r : leased) {
            if (gone.contains(r.part)) {
                synchronized (r) {
                    if (r.state == State.LEASED) {
                        r.state = State.LOST;
                    }
                }
                if (r.state() == State.LOST) {
                    leased.remove(r);
                }
            }
        }
    }

    int count() {
        return leased.size();
    }

    /** The record is settled for good: it counts as complete for its partition's committed prefix. */
    private void complete(FetchedRecord r) {
        leased.remove(r);
        r.part.tracker.done(r.offset);
    }

    /** A handler settled a record whose lease had run out: it no longer hangs, so its record may come back here. */
    private void returnedLate(FetchedRecord r) {
        if (hungHere.remove(r.inbound.position().value())) {
            changed.run();
        }
    }
}

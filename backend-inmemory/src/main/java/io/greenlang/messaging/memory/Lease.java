package io.greenlang.messaging.memory;

import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * One hand-over of an entry to a member of a group. Whoever {@linkplain #finish() finishes} it first decides its
 * fate: the member settling it (without a lock: the settlement is queued and applied by the group under its lock)
 * or the group taking it back when the deadline passes.
 */
final class Lease {
    enum Action { ACK, RETRY, DEAD_LETTER, RELEASE }

    /** {@link #done} set with a compare-and-set: one AtomicBoolean fewer per delivery. */
    private static final VarHandle DONE;
    /** {@link #handedOver} written with release semantics: a plain store on the hot path, no fence. */
    private static final VarHandle HANDED_OVER;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(Lease.class, "done", boolean.class);
            HANDED_OVER = MethodHandles.lookup().findVarHandle(Lease.class, "handedOver", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Entry entry;
    final int attempt;
    final Instant firstFailure;
    final String owner;
    /** Whether, while this lease lasts, its member alone may take its key's messages (an ordered member's). */
    final boolean holdsKey;
    private volatile boolean done;
    volatile long deadlineNanos;
    /** Whether the member gave it to a handler; see {@link io.greenlang.messaging.spi.runtime.HandOvers}. */
    private boolean handedOver;
    /** Set when the handler settles a lease that had already run out: it no longer hangs. */
    volatile boolean handlerReturned;
    int slot = -1; // in the group's LeaseTable; guarded by the topic's lock

    // the settlement, written before done is set and read after it is queued
    Action action;
    long dueNanos;
    Instant nextFirstFailure;
    DeadLetterRequest letter;

    Lease(Entry entry, int attempt, Instant firstFailure, String owner, boolean ordered, long deadlineNanos) {
        this.entry = entry;
        this.attempt = attempt;
        this.firstFailure = firstFailure;
        this.owner = owner;
        this.holdsKey = ordered && entry.keyCode() != KeyCodes.NONE;
        this.deadlineNanos = deadlineNanos;
    }

    /** Marks the lease decided; {@code false} if it already was. */
    boolean finish() {
        return DONE.compareAndSet(this, false, true);
    }

    boolean isDone() {
        return done;
    }

    void markHandedOver() {
        HANDED_OVER.setRelease(this, true);
    }

    boolean isHandedOver() {
        return (boolean) HANDED_OVER.getAcquire(this);
    }
}

package io.greenlang.messaging.spi.runtime;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The handler slots of one subscription (one per handler thread) and the deadline of the lease each running handler
 * holds. A handler is <em>hung</em> once its lease ran out while it still runs (it was not extended): its record has
 * gone, or is going, to another member, and its slot can take nothing else. A member all of whose slots are hung is
 * <em>stalled</em>: it must fetch nothing and give up what it holds. Thread-safe; times are {@link System#nanoTime()}
 * readings. Two plain array writes per hand-over, so that the hot path pays nearly nothing.
 */
final class RunningHandlers {
    private static final long IDLE = Long.MIN_VALUE;

    private final AtomicLongArray deadlines;

    /** @param slots how many handlers can run at once (the subscription's concurrency) */
    RunningHandlers(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be positive, was " + slots);
        }
        deadlines = new AtomicLongArray(slots);
        for (int i = 0; i < slots; i++) {
            deadlines.set(i, IDLE);
        }
    }

    /** The handler of {@code slot} starts, leased until {@code deadlineNanos}. */
    void started(int slot, long deadlineNanos) {
        deadlines.lazySet(slot, deadlineNanos == IDLE ? IDLE + 1 : deadlineNanos);
    }

    /** The running handler of {@code slot} had its lease extended to {@code deadlineNanos}. */
    void extended(int slot, long deadlineNanos) {
        long current = deadlines.get(slot);
        if (current != IDLE && deadlineNanos - current > 0) {
            deadlines.compareAndSet(slot, current, deadlineNanos == IDLE ? IDLE + 1 : deadlineNanos);
        }
    }

    /** The handler of {@code slot} returned. */
    void finished(int slot) {
        deadlines.lazySet(slot, IDLE);
    }

    /** How many running handlers hold a record whose lease ran out at {@code nowNanos}. */
    int hung(long nowNanos) {
        int n = 0;
        for (int i = 0; i < deadlines.length(); i++) {
            long d = deadlines.get(i);
            if (d != IDLE && nowNanos - d >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Whether every slot holds a hung handler at {@code nowNanos}: the member can run nothing. */
    boolean stalled(long nowNanos) {
        return hung(nowNanos) == deadlines.length();
    }

    /** How many slots there are. */
    int slots() {
        return deadlines.length();
    }
}

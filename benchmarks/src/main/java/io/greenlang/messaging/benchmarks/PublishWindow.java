package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounds the publishes that await confirmation, as an application bounds its asynchronous publishes. Unlike a
 * {@link java.util.concurrent.Semaphore}, a confirmation wakes the publisher only when it waits for room: where
 * confirmations complete on the publishing thread itself (memory://), a semaphore's release cost a wake-up
 * system call for most publishes.
 */
final class PublishWindow {
    /** The longest a waiting publisher sleeps before looking again, should a wake-up come between its checks. */
    private static final long RECHECK_NANOS = 100_000;

    private final int size;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread waiting;

    PublishWindow(int size) {
        this.size = size;
    }

    /** Takes room for {@code n} publishes, waiting while the window is full; from the publishing thread. */
    void acquire(int n) {
        int wanted = Math.min(n, size);
        while (outstanding.get() + wanted > size) {
            sleepWhile(() -> outstanding.get() + wanted > size);
        }
        outstanding.addAndGet(n);
    }

    /** Gives back the room of {@code n} confirmed (or failed) publishes; from any thread. */
    void release(int n, Throwable error) {
        if (error != null) {
            failure.compareAndSet(null, error);
        }
        outstanding.addAndGet(-n);
        Thread t = waiting;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Waits until every publish is confirmed.
     *
     * @return whether they were within {@code timeout}
     */
    boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            sleepWhile(() -> outstanding.get() > 0);
        }
        return true;
    }

    /** The first publish that failed, or {@code null}. */
    Throwable failure() {
        return failure.get();
    }

    private void sleepWhile(BooleanSupplier condition) {
        waiting = Thread.currentThread();
        try {
            if (condition.getAsBoolean()) {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
        } finally {
            waiting = null;
        }
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("Interrupted while waiting for publish confirmations");
        }
    }
}

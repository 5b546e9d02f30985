package io.greenlang.messaging.spi.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether a subscription still runs, shared by its threads: raised once when it begins closing, which wakes every
 * thread waiting on it (a poller pausing, an ordered retry waiting out its backoff). Also records that the grace
 * period ran out and running handlers were interrupted. Thread-safe.
 */
final class StopSignal {
    private final AtomicBoolean raised = new AtomicBoolean();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean active = true;
    private volatile boolean abandoned;

    /** Whether the subscription still runs: it takes new records to handlers only while it does. */
    boolean isActive() {
        return active;
    }

    /** Begins closing; returns whether this call did, so that exactly one caller goes on to shut down. */
    boolean raise() {
        if (!raised.compareAndSet(false, true)) {
            return false;
        }
        active = false;
        stopping.countDown();
        return true;
    }

    /**
     * Waits up to {@code d}; returns whether the subscription began closing meanwhile. An interrupted wait counts
     * as closing, with the thread's interrupt flag set again.
     */
    boolean await(Duration d) {
        try {
            return stopping.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The grace period ran out: handlers still running are about to be interrupted. */
    void abandon() {
        abandoned = true;
    }

    /** Whether {@link #abandon()} was called: a handler failing now failed because it was interrupted. */
    boolean isAbandoned() {
        return abandoned;
    }
}

package io.greenlang.messaging.spi.runtime;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A subscription's bound on records fetched and not yet settled (its {@code maxInFlight}): one permit per record,
 * taken before fetching and given back once the record is settled or handed back. Thread-safe.
 */
final class InFlightLimit {
    private final int max;
    private final Semaphore permits;

    InFlightLimit(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /**
     * Takes permits for one fetch: waits up to {@code wait} for the first, then takes as many of the free ones as it
     * can at once, at most {@code maxBatch} in all. Returns how many it took: 0 if none came in time, or if the thread
     * was interrupted (its interrupt flag is set again).
     */
    int acquireBatch(int maxBatch, Duration wait) {
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        int extra = Math.min(permits.availablePermits(), maxBatch - 1);
        int got = 1;
        if (extra > 0 && permits.tryAcquire(extra)) {
            got += extra;
        }
        return got;
    }

    /** Gives back the permit of one record. */
    void release() {
        permits.release();
    }

    /** Gives back {@code n} permits (none if {@code n} is 0). */
    void release(int n) {
        permits.release(n);
    }

    /** How many records are fetched and not settled or handed back. */
    int inFlight() {
        return max - permits.availablePermits();
    }
}

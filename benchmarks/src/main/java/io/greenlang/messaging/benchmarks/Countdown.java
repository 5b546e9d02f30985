package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Counts handled messages and wakes the waiter when all came. */
final class Countdown {
    private final long expected;
    private final AtomicLong count = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);

    Countdown(long expected) {
        this.expected = expected;
        if (expected == 0) {
            done.countDown();
        }
    }

    /** Counts one message; called from the consumers' threads. */
    void increment() {
        if (count.incrementAndGet() == expected) {
            done.countDown();
        }
    }

    /** Waits up to {@code timeout} for all messages; returns whether they came. */
    boolean await(Duration timeout) {
        try {
            return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("Interrupted while waiting for consumers", e);
        }
    }

    /**
     * Waits up to {@code timeout} for all messages.
     *
     * @throws BenchmarkException if they did not all come in time, naming the run and how many came
     */
    void await(Duration timeout, Supplier<String> run) {
        if (!await(timeout)) {
            throw new BenchmarkException("Run '" + run.get() + "' did not finish within "
                    + ReportTable.duration(timeout) + ": " + count.get() + " of " + expected + " messages handled.");
        }
    }
}

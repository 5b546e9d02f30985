package io.greenlang.messaging.examples;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** What every example needs besides the library: its broker URL, fresh names, and bounded waits. */
public final class ExampleSupport {
    /** How long an example waits for something before it gives up. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private ExampleSupport() {
    }

    /** The broker URL: the first argument, or {@code memory://}. */
    public static String brokerUrl(String[] args) {
        return args.length > 0 ? args[0] : "memory://";
    }

    /** A topic or group name no earlier run used: {@code examples.<name>.<random>}. */
    public static String unique(String name) {
        return "examples." + name + "." + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /**
     * Waits for {@code latch}.
     *
     * @throws IllegalStateException if it is not released within {@link #PATIENCE}
     */
    public static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Gave up waiting for " + what + " after " + PATIENCE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + what, e);
        }
    }

    /**
     * Checks {@code condition} every 10 ms until it holds.
     *
     * @throws IllegalStateException if it does not within {@link #PATIENCE}
     */
    public static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Gave up waiting for " + what + " after " + PATIENCE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}

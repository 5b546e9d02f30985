package io.greenlang.messaging.spi.runtime;

import java.time.Duration;

/** The threads a subscription starts: daemons, so that none keeps a JVM alive, joined without throwing. */
final class RuntimeThreads {
    private RuntimeThreads() {
    }

    /** A daemon thread, not started. */
    static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts {@code task} on a new daemon thread. */
    static void startDaemon(Runnable task, String name) {
        daemon(task, name).start();
    }

    /**
     * Waits up to {@code max} (at least a millisecond) for {@code t} to end; an interrupted wait returns at once with
     * the interrupt flag set again.
     */
    static void joinQuietly(Thread t, Duration max) {
        try {
            t.join(Math.max(1, max.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.greenlang.messaging.benchmarks;

import java.util.concurrent.locks.LockSupport;

/** Waiting for a message's due time on a fixed publishing schedule. */
final class Schedule {
    private Schedule() {
    }

    /** Returns at {@code deadline} ({@link System#nanoTime()}), a few microseconds late at most. */
    static void waitUntil(long deadline) {
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (remaining > 60_000) {
                // parking wakes up some 50 us late; spin only for the rest, so the producer leaves the CPU to
                // the consumer and the JIT on small machines
                LockSupport.parkNanos(remaining - 55_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}

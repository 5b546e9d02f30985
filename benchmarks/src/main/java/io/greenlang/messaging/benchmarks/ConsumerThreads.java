package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The consumer threads of a raw baseline: daemon threads started together, told to stop by {@link #active()}
 * turning false, and joined (each for at most the given time) when closed.
 */
final class ConsumerThreads implements BenchChannel.Consumers {
    private final List<Thread> threads = new ArrayList<>();
    private final String name;
    private final Duration joinTimeout;
    private final Runnable wake;
    private volatile boolean active = true;

    /**
     * @param name the threads are named {@code name-i}
     * @param wake run once {@link #active()} is false and before joining, to unblock threads waiting in a client
     */
    ConsumerThreads(String name, Duration joinTimeout, Runnable wake) {
        this.name = name;
        this.joinTimeout = joinTimeout;
        this.wake = wake;
    }

    /** Starts {@code count} threads, thread {@code i} running {@code body.apply(i)}; returns this. */
    ConsumerThreads start(int count, IntFunction<Runnable> body) {
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(body.apply(i), name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        return this;
    }

    /** Whether the threads should go on consuming. */
    boolean active() {
        return active;
    }

    @Override
    public void close() {
        active = false;
        wake.run();
        for (Thread t : threads) {
            try {
                t.join(joinTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

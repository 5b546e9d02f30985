package io.greenlang.messaging.benchmarks;

import static io.greenlang.messaging.benchmarks.RunContext.collectGarbage;
import static io.greenlang.messaging.benchmarks.RunContext.describe;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Scenario#HEAP} runs: heap used after a GC before filling a backlog, after filling it, at every
 * sample while one consumer drains it, and after.
 */
final class HeapRuns {
    private static final double MIB = 1024.0 * 1024.0;
    /** How long a heap run waits, after closing its channel, for the threads it started to end. */
    private static final Duration THREADS_END_TIMEOUT = Duration.ofSeconds(2);

    private final RunContext runs;
    private final BenchConfig config;

    HeapRuns(RunContext runs) {
        this.runs = runs;
        this.config = runs.config();
    }

    /** Returns the peak while draining and the figure after draining, in MiB above the heap before filling. */
    double[] run(int size, BenchTarget target) {
        runs.announce(Scenario.HEAP, size, target, "");
        int n = config.heapMessages();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        byte[] template = Payloads.template(size);
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        try (BenchChannel channel = target.open(runs.channelName(Scenario.HEAP, size, target), n)) {
            channel.createGroup();
            long before = usedAfterGc(memory);
            Payloads.fill(channel, template, n, config.batchSize());
            channel.awaitPublished(config.timeout());
            long peak = usedAfterGc(memory);
            Countdown handled = new Countdown(n);
            long deadline = System.nanoTime() + config.timeout().toNanos();
            BenchChannel.Consumers consumers = channel.consume(1, payload -> handled.increment());
            try {
                while (!handled.await(config.heapSampleInterval())) {
                    peak = Math.max(peak, usedAfterGc(memory));
                    if (System.nanoTime() > deadline) {
                        handled.await(Duration.ZERO, () -> describe(Scenario.HEAP, size, target));
                    }
                }
                long after = usedAfterGc(memory);
                return new double[] {(Math.max(peak, after) - before) / MIB, (after - before) / MIB};
            } finally {
                consumers.close();
            }
        } finally {
            awaitEnd(threadsBefore);
        }
    }

    /**
     * Waits, up to {@link #THREADS_END_TIMEOUT} in all, for the threads started since {@code existing} to end. A
     * thread that closed a subscription may still hold it, and through it a backlog, for a moment after the close
     * returned; the next heap figure would count that backlog against the other target.
     */
    private static void awaitEnd(Set<Thread> existing) {
        long deadline = System.nanoTime() + THREADS_END_TIMEOUT.toNanos();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (existing.contains(t)) {
                continue;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        collectGarbage();
        return memory.getHeapMemoryUsage().getUsed();
    }
}

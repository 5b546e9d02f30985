package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * With concurrency above 1, the worker threads that run handlers and the queues (lanes) they take records from: one
 * queue shared by every worker, or, when ordering is asked, one per worker, chosen by the hash of the message's key,
 * so that one key is handled by one thread in order. Worker {@code i} runs in handler slot {@code i}. With
 * concurrency 1 there are no workers (the poller runs the handler itself). Thread-safe.
 */
final class WorkerLanes {
    /** How long an idle worker waits for a record before it checks again whether the subscription is closing. */
    private static final Duration IDLE_CHECK = Duration.ofMillis(100);

    private final boolean ordered;
    private final List<BlockingQueue<InboundMessage>> lanes;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final HandlerRunner runner;
    private final StopSignal stop;

    /** @param name the subscription's name for its threads */
    WorkerLanes(SubscriptionOptions options, String name, HandlerRunner runner, StopSignal stop) {
        this.ordered = options.ordered();
        this.runner = runner;
        this.stop = stop;
        int concurrency = options.concurrency();
        List<BlockingQueue<InboundMessage>> queues = new ArrayList<>();
        BlockingQueue<InboundMessage> shared = new LinkedBlockingQueue<>();
        for (int i = 0; concurrency > 1 && i < concurrency; i++) {
            queues.add(ordered ? new LinkedBlockingQueue<>() : shared);
        }
        lanes = List.copyOf(queues);
        for (int i = 0; i < lanes.size(); i++) {
            BlockingQueue<InboundMessage> lane = lanes.get(i);
            int slot = i;
            workers.add(RuntimeThreads.daemon(() -> work(lane, slot), "greenlang-worker-" + i + "-" + name));
        }
    }

    /** Whether there are workers; without, the poller runs the handler itself. */
    boolean hasWorkers() {
        return !lanes.isEmpty();
    }

    void start() {
        workers.forEach(Thread::start);
    }

    /** Queues an admitted record for a worker. */
    void dispatch(InboundMessage record) {
        lanes.get(laneFor(record)).add(record);
    }

    /** The lane a record goes to: by its key's hash when ordered and keyed, else the next in turn. */
    int laneFor(InboundMessage record) {
        if (ordered && record.message().key().isPresent()) {
            return Math.floorMod(record.message().key().get().hashCode(), lanes.size());
        }
        return Math.floorMod(roundRobin.getAndIncrement(), lanes.size());
    }

    /** Takes every queued record, none of which a worker has started. */
    void takeQueued(List<InboundMessage> into) {
        for (BlockingQueue<InboundMessage> lane : new LinkedHashSet<>(lanes)) {
            lane.drainTo(into);
        }
    }

    /** Whether {@code thread} is one of the workers. */
    boolean runsOn(Thread thread) {
        return workers.contains(thread);
    }

    /** Waits for every worker to end, until {@code deadlineNanos} (a {@link System#nanoTime()} reading) at most. */
    void join(long deadlineNanos) {
        for (Thread worker : workers) {
            RuntimeThreads.joinQuietly(worker, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        }
    }

    void interrupt() {
        workers.forEach(Thread::interrupt);
    }

    /** A worker: takes records from its lane and runs the handler, until the subscription closes and it is idle. */
    private void work(BlockingQueue<InboundMessage> lane, int slot) {
        while (true) {
            InboundMessage record;
            try {
                record = lane.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (record == null) {
                if (!stop.isActive()) {
                    return;
                }
                continue;
            }
            runner.runOrRelease(record, slot);
        }
    }
}

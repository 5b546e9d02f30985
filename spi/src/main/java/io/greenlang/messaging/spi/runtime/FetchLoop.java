package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller thread of a subscription: fetches batches from the source within the in-flight limit, screens each
 * record ({@link Admission}), and hands the admitted ones on: to the worker lanes, or, with concurrency 1, to the
 * handler on this thread, a batch at a time, flushing the source's settlements after each. It fetches nothing while
 * the member is stalled, and stops once the subscription closes, handing back what it fetched and did not start.
 */
final class FetchLoop {
    // logs as the runtime, the name under which its users know its messages
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final int MAX_BATCH = 512;
    private static final long ERROR_PAUSE_MILLIS = 500;

    private final SubscriptionOptions options;
    private final ConsumerSource source;
    private final InFlightLimit limit;
    private final Admission admission;
    private final WorkerLanes lanes;
    private final HandlerRunner runner;
    private final StallWatch stallWatch;
    private final StopSignal stop;
    private final Thread poller;
    /** With concurrency 1: the fetched batch the poller works through itself. */
    private volatile InlineBatch inline = InlineBatch.EMPTY;

    /** @param name the subscription's name for its thread */
    FetchLoop(String name, SubscriptionOptions options, ConsumerSource source, InFlightLimit limit,
            Admission admission, WorkerLanes lanes, HandlerRunner runner, StallWatch stallWatch, StopSignal stop) {
        this.options = options;
        this.source = source;
        this.limit = limit;
        this.admission = admission;
        this.lanes = lanes;
        this.runner = runner;
        this.stallWatch = stallWatch;
        this.stop = stop;
        this.poller = RuntimeThreads.daemon(this::run, "greenlang-poller-" + name);
    }

    void start() {
        poller.start();
    }

    /** Whether {@code thread} is the poller. */
    boolean runsOn(Thread thread) {
        return thread == poller;
    }

    /**
     * Waits for the poller to end, until {@code deadlineNanos} (a {@link System#nanoTime()} reading), but at least two
     * poll timeouts, so that a poller waiting on the source sees the close.
     */
    void join(long deadlineNanos) {
        RuntimeThreads.joinQuietly(poller, Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(),
                POLL_TIMEOUT.toNanos() * 2)));
    }

    void interrupt() {
        poller.interrupt();
    }

    /** With concurrency 1: takes the records of the current batch that the poller has not started. */
    void takeUnstarted(List<InboundMessage> into) {
        inline.takeRest(into);
    }

    private void run() {
        while (stop.isActive()) {
            if (stallWatch.holdsBackFetching()) {
                stop.await(POLL_TIMEOUT); // every handler hangs: fetch nothing until one returns
                continue;
            }
            int wanted = limit.acquireBatch(MAX_BATCH, POLL_TIMEOUT);
            if (wanted == 0) {
                continue;
            }
            List<InboundMessage> batch;
            try {
                batch = source.poll(wanted, POLL_TIMEOUT);
            } catch (InterruptedException e) {
                limit.release(wanted);
                break;
            } catch (RuntimeException e) {
                limit.release(wanted);
                LOG.warn("Fetching from {} for group {} failed; retrying in {} ms: {}", options.topic(),
                        options.group(), ERROR_PAUSE_MILLIS, e.toString());
                stop.await(Duration.ofMillis(ERROR_PAUSE_MILLIS));
                continue;
            }
            limit.release(wanted - batch.size());
            handOn(batch);
        }
    }

    /**
     * Screens a fetched batch and hands the admitted records on; when the subscription begins closing meanwhile,
     * hands back the rest of the batch and the admitted records not yet handed on.
     */
    private void handOn(List<InboundMessage> batch) {
        Instant now = batch.isEmpty() ? null : Instant.now();
        InboundMessage[] admitted = !lanes.hasWorkers() ? new InboundMessage[batch.size()] : null;
        int count = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (!stop.isActive()) {
                List<InboundMessage> rest = new ArrayList<>(batch.subList(i, batch.size()));
                for (int k = 0; k < count; k++) {
                    rest.add(admitted[k]);
                }
                source.release(rest);
                limit.release(rest.size());
                count = 0;
                break;
            }
            InboundMessage record = batch.get(i);
            if (admission.admit(record, now)) {
                if (admitted != null) {
                    admitted[count++] = record;
                } else {
                    lanes.dispatch(record);
                }
            }
        }
        if (!lanes.hasWorkers()) {
            runInline(new InlineBatch(admitted, count));
            flushQuietly();
        }
    }

    /** With concurrency 1: runs the batch's records on the poller, unless closing or stalling took them. */
    private void runInline(InlineBatch batch) {
        inline = batch;
        while (true) {
            InboundMessage record = batch.take();
            if (record == null) {
                return;
            }
            runner.runOrRelease(record, 0);
        }
    }

    private void flushQuietly() {
        try {
            source.flush();
        } catch (RuntimeException e) {
            LOG.warn("Flushing settlements of {}/{} failed; they are retried on the next flush: {}", options.topic(),
                    options.group(), e.toString());
        }
    }
}

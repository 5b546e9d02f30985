package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one subscription on top of a {@link ConsumerSource}: a poller thread fetches batches within the
 * in-flight limit, screens out undecodable, expired and tampered records, and hands the rest to handlers;
 * failures are retried or dead-lettered by the {@link RetryPolicy}; close drains gracefully.
 *
 * <p>Threads: with concurrency 1 the poller runs the handler itself, so a message costs no hand-off. With
 * more, {@code concurrency} workers take messages from one shared queue, or, when ordering is asked, each
 * from its own queue chosen by the message key's hash, so that one key is handled by one thread in order.
 * Retries of ordered messages wait in place (extending the lease), holding back only their own lane.
 *
 * <p>Hand-overs and hung handlers: the source learns of every hand-over to a handler ({@link
 * ConsumerSource#handedOver}), which is what attempt numbers count ({@link HandOvers}). A handler still running when
 * its lease ran out is hung: its record goes to another member. While every handler slot is hung the member is
 * stalled: it fetches nothing, releases the records it had fetched and not started, and tells the source
 * ({@link ConsumerSource#stalled}), so that other members get them; it fetches again once a handler returns.
 *
 * <p>This class puts the parts together, starts them and stops them in order: {@link FetchLoop} (the poller),
 * {@link Admission} (screening), {@link WorkerLanes} (workers and per-key ordering), {@link HandlerRunner} (running
 * the handler), {@link Settlement} (ack, retry, dead letter), {@link StallWatch} (hung handlers), with the shared
 * {@link InFlightLimit} and {@link StopSignal}.
 */
public final class ConsumerRuntime implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);

    private final SubscriptionOptions options;
    private final ConsumerSource source;
    private final Codecs codecs;
    private final Consumer<ConsumerRuntime> onClosed;
    private final StopSignal stop = new StopSignal();
    private final InFlightLimit limit;
    private final Settlement settlement;
    private final HandlerRunner runner;
    private final WorkerLanes lanes;
    private final StallWatch stallWatch;
    private final FetchLoop fetchLoop;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    /**
     * Creates a runtime; call {@link #start()} to begin.
     *
     * @param onClosed called once the subscription has fully stopped, e.g. to forget it in the broker
     */
    public ConsumerRuntime(SubscriptionOptions options, MessageHandler handler, ConsumerSource source,
            BrokerMetrics metrics, Codecs codecs, Consumer<ConsumerRuntime> onClosed) {
        this.options = options;
        this.source = source;
        this.codecs = codecs;
        this.onClosed = onClosed;
        String name = options.topic() + "/" + options.group() + "/" + options.consumerName();
        RunningHandlers handlers = new RunningHandlers(options.concurrency());
        limit = new InFlightLimit(options.maxInFlight());
        settlement = new Settlement(options, source, metrics);
        runner = new HandlerRunner(this, options, handler, source, metrics, settlement, handlers, limit, stop);
        lanes = new WorkerLanes(options, name, runner, stop);
        stallWatch = new StallWatch(options, handlers, source, stop, this::releaseUnstarted);
        fetchLoop = new FetchLoop(name, options, source, limit, new Admission(options, codecs, settlement, limit),
                lanes, runner, stallWatch, stop);
    }

    /** Starts the workers, the poller and the watch for hung handlers. */
    public ConsumerRuntime start() {
        lanes.start();
        fetchLoop.start();
        stallWatch.start();
        return this;
    }

    @Override
    public SubscriptionOptions options() {
        return options;
    }

    @Override
    public boolean isActive() {
        return stop.isActive();
    }

    @Override
    public int inFlight() {
        return limit.inFlight();
    }

    /** How many handlers are running right now. */
    public int runningHandlers() {
        return runner.running();
    }

    @Override
    public void close() {
        CompletionStage<Void> stage = closeAsync();
        if (runsOnCurrentThread()) {
            return; // a handler closing its own subscription must not wait for itself
        }
        stage.toCompletableFuture().join();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        if (stop.raise()) {
            RuntimeThreads.startDaemon(this::shutdown, "greenlang-closer-" + options.topic() + "/" + options.group());
        }
        return closed.copy();
    }

    /** Whether the calling thread is one of this subscription's: its poller or a worker running handlers. */
    boolean runsOnCurrentThread() {
        Thread current = Thread.currentThread();
        return fetchLoop.runsOn(current) || lanes.runsOn(current);
    }

    // what a RuntimeDelivery asks of the subscription it belongs to

    Codecs codecs() {
        return codecs;
    }

    ConsumerSource source() {
        return source;
    }

    /** The source confirmed an extension of the lease of the handler in {@code slot}. */
    void leaseExtended(int slot, Duration extension) {
        runner.leaseExtended(slot, extension);
    }

    void settleAck(InboundMessage record) {
        settlement.ack(record);
    }

    void settleRejected(InboundMessage record, int attempt, String reason) {
        settlement.rejected(record, attempt, reason);
    }

    void settleReleased(InboundMessage record) {
        source.release(List.of(record));
    }

    /** Hands back every record fetched and not started; returns how many. */
    private int releaseUnstarted() {
        List<InboundMessage> unstarted = new ArrayList<>();
        fetchLoop.takeUnstarted(unstarted);
        lanes.takeQueued(unstarted);
        if (!unstarted.isEmpty()) {
            source.release(unstarted);
            limit.release(unstarted.size());
        }
        return unstarted.size();
    }

    /**
     * Stops the parts in order within the grace period: the poller, the records not started, the watch, the workers;
     * then interrupts the handlers still running, and closes the source.
     */
    private void shutdown() {
        try {
            long deadline = System.nanoTime() + options.shutdownGracePeriod().toNanos();
            // the poller leaves after its current batch, or after its current handler with concurrency 1
            fetchLoop.join(deadline);
            releaseUnstarted(); // a poller that is still in a handler leaves the rest of its batch here
            stallWatch.cancel();
            lanes.join(deadline);
            if (inFlight() > 0) {
                LOG.warn("Subscription {}/{} closed with {} handler(s) still running after the grace period of {}; "
                        + "interrupting them: a message whose handler stops is handed back, one whose handler keeps "
                        + "running is delivered again when its lease expires", options.topic(),
                        options.group(), inFlight(), Durations.format(options.shutdownGracePeriod()));
                stop.abandon();
                lanes.interrupt();
                fetchLoop.interrupt();
            }
            source.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing subscription {}/{} failed: {}", options.topic(), options.group(), e.toString());
        } finally {
            onClosed.accept(this);
            closed.complete(null);
        }
    }

    @Override
    public String toString() {
        return "Subscription{" + options.topic() + "/" + options.group() + "/" + options.consumerName()
                + (stop.isActive() ? "" : ", closed") + "}";
    }
}

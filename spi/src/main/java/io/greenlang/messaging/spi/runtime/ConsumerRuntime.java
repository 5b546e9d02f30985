package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 */
public final class ConsumerRuntime implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final int MAX_BATCH = 512;
    private static final long ERROR_PAUSE_MILLIS = 500;
    /** Watches every subscription's handlers for hung ones; daemon, so it never keeps a JVM alive. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            r -> RuntimeThreads.daemon(r, "greenlang-handler-watchdog"));

    private final SubscriptionOptions options;
    private final ConsumerSource source;
    private final Codecs codecs;
    private final Consumer<ConsumerRuntime> onClosed;
    private final InFlightLimit limit;
    private final Settlement settlement;
    private final Admission admission;
    private final HandlerRunner runner;
    private final WorkerLanes lanes;
    /** With concurrency 1: the fetched batch the poller works through itself. */
    private volatile InlineBatch inline = InlineBatch.EMPTY;
    private final RunningHandlers handlers;
    private final long leaseNanos;
    private volatile ScheduledFuture<?> watch;
    private volatile boolean stalled;
    private final Thread poller;
    private final StopSignal stop = new StopSignal();
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
        this.limit = new InFlightLimit(options.maxInFlight());
        this.settlement = new Settlement(options, source, metrics);
        this.admission = new Admission(options, codecs, settlement, limit);
        this.handlers = new RunningHandlers(options.concurrency());
        this.leaseNanos = options.leaseTimeout().toNanos();
        String name = options.topic() + "/" + options.group() + "/" + options.consumerName();
        this.runner = new HandlerRunner(this, options, handler, source, metrics, settlement, handlers, limit, stop);
        this.lanes = new WorkerLanes(options, name, runner, stop);
        poller = RuntimeThreads.daemon(this::pollLoop, "greenlang-poller-" + name);
    }

    /** Starts the poller and the workers. */
    public ConsumerRuntime start() {
        lanes.start();
        poller.start();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(leaseNanos / 10,
                TimeUnit.SECONDS.toNanos(1)));
        watch = WATCHDOG.scheduleAtFixedRate(this::watchHandlers, period, period, TimeUnit.NANOSECONDS);
        return this;
    }

    @Override
    public SubscriptionOptions options() {
        return options;
    }

    Codecs codecs() {
        return codecs;
    }

    ConsumerSource source() {
        return source;
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
        return current == poller || lanes.runsOn(current);
    }

    private void pollLoop() {
        while (stop.isActive()) {
            if (stalled) {
                if (handlers.stalled(System.nanoTime())) {
                    stop.await(POLL_TIMEOUT); // every handler hangs: fetch nothing until one returns
                    continue;
                }
                stalled = false;
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

    /**
     * Marks the member stalled while every handler slot holds a hung handler, and then releases what it fetched
     * and did not start (again on every tick, in case the poller was dispatching).
     */
    private void watchHandlers() {
        try {
            if (!stop.isActive() || !handlers.stalled(System.nanoTime())) {
                return;
            }
            int released = releaseUnstarted();
            if (!stalled) {
                stalled = true;
                LOG.warn("Every handler of {}/{}/{} ({}) is still running after its lease of {}: the member takes "
                        + "nothing until one returns, and gives up {} message(s) it had not started; the hung "
                        + "handlers' messages go to other members", options.topic(), options.group(),
                        options.consumerName(), handlers.slots(), options.leaseTimeout(), released);
                RuntimeThreads.startDaemon(source::stalled, "greenlang-stalled-" + options.topic() + "/"
                        + options.group());
            }
        } catch (RuntimeException e) {
            LOG.warn("Giving up the messages of stalled member {}/{}/{} failed: {}", options.topic(), options.group(),
                    options.consumerName(), e.toString());
        }
    }

    /** Hands back every record fetched and not started; returns how many. */
    private int releaseUnstarted() {
        List<InboundMessage> unstarted = new ArrayList<>();
        inline.takeRest(unstarted);
        lanes.takeQueued(unstarted);
        if (!unstarted.isEmpty()) {
            source.release(unstarted);
            limit.release(unstarted.size());
        }
        return unstarted.size();
    }

    private void flushQuietly() {
        try {
            source.flush();
        } catch (RuntimeException e) {
            LOG.warn("Flushing settlements of {}/{} failed; they are retried on the next flush: {}", options.topic(),
                    options.group(), e.toString());
        }
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

    private void shutdown() {
        try {
            long deadline = System.nanoTime() + options.shutdownGracePeriod().toNanos();
            // the poller leaves after its current batch, or after its current handler with concurrency 1
            RuntimeThreads.joinQuietly(poller, Duration.ofNanos(Math.max(deadline - System.nanoTime(), POLL_TIMEOUT.toNanos() * 2)));
            releaseUnstarted(); // a poller that is still in a handler leaves the rest of its batch here
            ScheduledFuture<?> w = watch;
            if (w != null) {
                w.cancel(false);
            }
            lanes.join(deadline);
            if (inFlight() > 0) {
                LOG.warn("Subscription {}/{} closed with {} handler(s) still running after the grace period of {}; "
                        + "interrupting them: a message whose handler stops is handed back, one whose handler keeps "
                        + "running is delivered again when its lease expires", options.topic(),
                        options.group(), inFlight(), options.shutdownGracePeriod());
                stop.abandon();
                lanes.interrupt();
                poller.interrupt();
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

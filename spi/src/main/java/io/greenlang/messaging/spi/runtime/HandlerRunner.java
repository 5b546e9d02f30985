package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the application's handler on one record at a time per handler slot, and settles what it asked for: acknowledged
 * when it returns, retried or dead-lettered when it fails ({@link Settlement#failed}), again in place for an ordered
 * retry. Tells the source of each hand-over and keeps each slot's lease deadline in {@link RunningHandlers}, which
 * is how hung handlers are found. Each record's in-flight permit is given back once it leaves here. Thread-safe: each
 * slot is used by one thread at a time.
 */
final class HandlerRunner {
    private final ConsumerRuntime runtime;
    private final SubscriptionOptions options;
    private final MessageHandler handler;
    private final ConsumerSource source;
    private final BrokerMetrics metrics;
    private final Settlement settlement;
    private final RunningHandlers handlers;
    private final InFlightLimit limit;
    private final StopSignal stop;
    private final long leaseNanos;
    private final AtomicInteger running = new AtomicInteger();

    /** @param runtime the subscription the handler's deliveries belong to; used only once a handler runs */
    HandlerRunner(ConsumerRuntime runtime, SubscriptionOptions options, MessageHandler handler, ConsumerSource source,
            BrokerMetrics metrics, Settlement settlement, RunningHandlers handlers, InFlightLimit limit,
            StopSignal stop) {
        this.runtime = runtime;
        this.options = options;
        this.handler = handler;
        this.source = source;
        this.metrics = metrics;
        this.settlement = settlement;
        this.handlers = handlers;
        this.limit = limit;
        this.stop = stop;
        this.leaseNanos = options.leaseTimeout().toNanos();
    }

    /** How many handlers are running right now. */
    int running() {
        return running.get();
    }

    /**
     * Runs the handler on a record that waited to be started, in handler slot {@code slot}; hands it back instead if
     * the subscription is closing.
     */
    void runOrRelease(InboundMessage record, int slot) {
        if (!stop.isActive()) {
            source.release(List.of(record));
            limit.release();
            return;
        }
        run(record, slot);
    }

    /** The source confirmed an extension of the lease of the handler in {@code slot}. */
    void leaseExtended(int slot, Duration extension) {
        handlers.extended(slot, System.nanoTime() + extension.toNanos());
    }

    /**
     * Runs the handler in handler slot {@code slot}, and again in place for ordered retries; always returns the
     * record's permit.
     */
    private void run(InboundMessage record, int slot) {
        try {
            Message message = record.message();
            if (Admission.hasExpired(message)) { // it expired while it waited for a worker
                settlement.expired(record);
                return;
            }
            int attempt = record.attempt();
            Instant firstFailure = record.firstFailure();
            while (true) {
                RuntimeDelivery delivery = new RuntimeDelivery(runtime, record, attempt, slot);
                metrics.delivered();
                long started = System.nanoTime(); // one clock reading for the latency, its window and the lease
                if (attempt == 1) {
                    metrics.endToEndLatency(EndToEndLatency.nanosSince(message.createdAt(), started), started);
                }
                Throwable thrown = invoke(delivery, record, slot, started);
                if (thrown != null && stop.isAbandoned()) {
                    // failed after close interrupted it at the end of the grace period: not the message's fault,
                    // so it goes back without spending an attempt
                    if (delivery.abandon()) {
                        source.release(List.of(record));
                    }
                    return;
                }
                RuntimeDelivery.Outcome outcome = delivery.finish(thrown);
                if (outcome == null) {
                    return;
                }
                if (outcome instanceof RuntimeDelivery.Acked) {
                    settlement.ack(record);
                    return;
                }
                Throwable failure = ((RuntimeDelivery.Failed) outcome).cause();
                Instant now = Instant.now();
                if (firstFailure == null) {
                    firstFailure = now;
                }
                Duration backoff = settlement.failed(record, attempt, firstFailure, now, failure);
                if (backoff == null) {
                    return;
                }
                // ordered: the retry waits in place, extending the lease, and holds back only this lane
                source.extendLease(record, backoff.plus(options.leaseTimeout()));
                if (stop.await(backoff)) {
                    source.release(List.of(record));
                    return;
                }
                attempt++;
            }
        } finally {
            limit.release();
        }
    }

    /** Hands the record over and runs the handler; returns what it threw, or {@code null}. */
    private Throwable invoke(RuntimeDelivery delivery, InboundMessage record, int slot, long startedNanos) {
        source.handedOver(record);
        running.incrementAndGet();
        handlers.started(slot, startedNanos + leaseNanos);
        try {
            handler.handle(delivery);
            return null;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            return t;
        } finally {
            handlers.finished(slot);
            running.decrementAndGet();
        }
    }
}

package io.greenlang.messaging.kafka;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the producer send what it holds at once, without waiting out {@code linger.ms}, for callers that block on
 * their own record: a synchronous publish from a handler would otherwise wait a linger per message, which caps a
 * handler thread at about 1 / linger messages per second.
 *
 * <p>{@link KafkaProducer#flush()} is the client's only way to send a batch before its linger: while a flush is in
 * progress every batch is ready, including batches started during it. It blocks until every record sent before it
 * completes, so it runs here, on one daemon thread, rather than on the caller's: a caller waits for its own record
 * only, not for other threads' records on slower partitions. Requests that arrive during a flush are served by
 * the next one; requests are coalesced, so a burst of waiting callers costs one flush at a time. Thread-safe.
 */
final class ImmediateSends implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImmediateSends.class);

    private final KafkaProducer<?, ?> producer;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closed;

    ImmediateSends(KafkaProducer<?, ?> producer, String clientId) {
        this.producer = producer;
        this.thread = new Thread(this::run, "greenlang-kafka-immediate-sends-" + clientId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Asks for what the producer holds, the caller's records included, to be sent now; does not block. */
    void request() {
        if (!requested.getAndSet(true)) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!closed) {
            if (!requested.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            try {
                producer.flush();
            } catch (RuntimeException e) {
                if (closed) {
                    return; // interrupted by close, or the producer closed under the flush
                }
                // a record's failure reaches its own caller through its callback; this flush only sped it up
                LOG.debug("Flushing the producer for a waiting publish failed", e);
            }
        }
    }

    /** Stops the thread; a flush in progress is interrupted (its records still complete). Idempotent. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}

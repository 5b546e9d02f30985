package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A delivery handed to a handler. Its outcome is decided once: by an early {@link #ack()} or
 * {@link #deadLetter(String)}, or by the runtime when the handler returns ({@link #fail(Throwable)} only
 * records a failure for that moment).
 */
final class RuntimeDelivery implements Delivery {
    /** What the handler asked for before it returned. */
    sealed interface Outcome permits Acked, Rejected, Failed {
    }

    record Acked() implements Outcome {
    }

    record Rejected(String reason) implements Outcome {
    }

    record Failed(Throwable cause) implements Outcome {
    }

    private static final Acked ACKED = new Acked();

    private final ConsumerRuntime runtime;
    private final InboundMessage record;
    private final int attempt;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    private volatile boolean finished;

    RuntimeDelivery(ConsumerRuntime runtime, InboundMessage record, int attempt) {
        this.runtime = runtime;
        this.record = record;
        this.attempt = attempt;
    }

    @Override
    public Message message() {
        return record.message();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Position position() {
        return record.position();
    }

    @Override
    public String group() {
        return runtime.options().group();
    }

    @Override
    public String consumerName() {
        return runtime.options().consumerName();
    }

    @Override
    public <T> T body(Class<T> type) {
        return runtime.codecs().decode(record.message(), Objects.requireNonNull(type, "type"));
    }

    @Override
    public void ack() {
        if (!finished && outcome.compareAndSet(null, ACKED)) {
            runtime.settleAck(record);
        }
    }

    @Override
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        if (!finished) {
            outcome.compareAndSet(null, new Failed(cause));
        }
    }

    @Override
    public void deadLetter(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!finished && outcome.compareAndSet(null, new Rejected(reason))) {
            runtime.settleRejected(record, attempt, reason);
        }
    }

    @Override
    public boolean extendLease(Duration extension) {
        Objects.requireNonNull(extension, "extension");
        if (extension.isNegative() || extension.isZero()) {
            throw new IllegalArgumentException("extension must be positive, was " + extension);
        }
        return !isSettled() && runtime.source().extendLease(record, extension);
    }

    @Override
    public boolean isSettled() {
        return finished || outcome.get() instanceof Acked || outcome.get() instanceof Rejected;
    }

    /**
     * Called by the runtime once the handler has returned ({@code thrown == null}) or thrown. Fixes the
     * outcome and returns what the runtime must still do: {@link Acked} (acknowledge), {@link Failed} (retry
     * or dead-letter), or {@code null} when an early {@link #ack()} or {@link #deadLetter(String)} already
     * settled it.
     */
    Outcome finish(Throwable thrown) {
        Outcome proposed = thrown == null ? ACKED : new Failed(thrown);
        Outcome previous = outcome.compareAndExchange(null, proposed);
        finished = true;
        if (previous == null) {
            return proposed;
        }
        return previous instanceof Failed ? previous : null;
    }

    @Override
    public String toString() {
        return "Delivery{" + record + ", group=" + group() + "}";
    }
}

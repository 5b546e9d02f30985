package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

/**
 * A delivery handed to a handler. Its outcome is decided once: by an early {@link #ack()} or
 * {@link #deadLetter(String)}, or by the runtime when the handler returns ({@link #fail(Throwable)} only
 * records a failure for that moment).
 */
final class RuntimeDelivery implements Delivery {
    /** What the handler asked for before it returned. */
    sealed interface Outcome permits Acked, Rejected, Released, Failed {
    }

    record Acked() implements Outcome {
    }

    record Rejected(String reason) implements Outcome {
    }

    record Released() implements Outcome {
    }

    record Failed(Throwable cause) implements Outcome {
    }

    private static final Acked ACKED = new Acked();
    private static final Released RELEASED = new Released();
    private static final VarHandle OUTCOME;
    private static final VarHandle FINISHED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OUTCOME = lookup.findVarHandle(RuntimeDelivery.class, "outcome", Outcome.class);
            FINISHED = lookup.findVarHandle(RuntimeDelivery.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConsumerRuntime runtime;
    private final InboundMessage record;
    private final int attempt;
    private final int slot;
    // fields with VarHandles rather than an AtomicReference per delivery; the outcome is only ever CAS'd from null
    private volatile Outcome outcome;
    /** Set once the handler returned; a hint for early calls, as the outcome's CAS decides. */
    private volatile boolean finished;

    RuntimeDelivery(ConsumerRuntime runtime, InboundMessage record, int attempt, int slot) {
        this.runtime = runtime;
        this.record = record;
        this.attempt = attempt;
        this.slot = slot;
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
        if (!finished && OUTCOME.compareAndSet(this, null, ACKED)) {
            runtime.settleAck(record);
        }
    }

    @Override
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        if (!finished) {
            OUTCOME.compareAndSet(this, null, new Failed(cause));
        }
    }

    @Override
    public void deadLetter(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!finished && OUTCOME.compareAndSet(this, null, new Rejected(reason))) {
            runtime.settleRejected(record, attempt, reason);
        }
    }

    @Override
    public void release() {
        if (!finished && OUTCOME.compareAndSet(this, null, RELEASED)) {
            runtime.settleReleased(record);
        }
    }

    @Override
    public boolean extendLease(Duration extension) {
        Objects.requireNonNull(extension, "extension");
        if (extension.isNegative() || extension.isZero()) {
            throw new IllegalArgumentException("extension must be positive, was " + extension);
        }
        if (isSettled() || !runtime.source().extendLease(record, extension)) {
            return false;
        }
        runtime.leaseExtended(slot, extension);
        return true;
    }

    @Override
    public boolean isSettled() {
        Outcome o = outcome;
        return finished || o != null && !(o instanceof Failed);
    }

    /**
     * Called by the runtime once the handler has returned ({@code thrown == null}) or thrown. Fixes the
     * outcome and returns what the runtime must still do: {@link Acked} (acknowledge), {@link Failed} (retry
     * or dead-letter), or {@code null} when an early {@link #ack()} or {@link #deadLetter(String)} already
     * settled it.
     */
    Outcome finish(Throwable thrown) {
        Outcome proposed = thrown == null ? ACKED : new Failed(thrown);
        Outcome previous = (Outcome) OUTCOME.compareAndExchange(this, null, proposed);
        FINISHED.setRelease(this, true); // no second fence: the CAS above already ordered this delivery's outcome
        if (previous == null) {
            return proposed;
        }
        return previous instanceof Failed ? previous : null;
    }

    /**
     * Called by the runtime when close interrupted the handler and it stopped: fixes the outcome as released and
     * returns whether the runtime must hand the record back, that is, unless the handler had settled it.
     */
    boolean abandon() {
        Outcome previous = (Outcome) OUTCOME.getAndSet(this, RELEASED);
        FINISHED.setRelease(this, true);
        return previous == null || previous instanceof Failed;
    }

    @Override
    public String toString() {
        return "Delivery{" + record + ", group=" + group() + "}";
    }
}

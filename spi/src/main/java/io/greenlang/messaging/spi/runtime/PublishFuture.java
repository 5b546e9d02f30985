package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The outcome of one publish call, made by {@link AbstractBroker} and settled once by the backend:
 * {@link #succeed} counts the confirmed messages and the publish latency in the broker's metrics, then completes;
 * {@link #fail} completes exceptionally. The caller gets this future itself. Counting here, rather than in a
 * stage after the backend's own, spares a stage per publish on the thread that confirms it (a Kafka producer's
 * network thread confirms every message).
 *
 * @param <T> a {@link io.greenlang.messaging.PublishResult}, or the list of them of a batch
 */
public final class PublishFuture<T> extends CompletableFuture<T> {
    private final BrokerMetrics metrics;
    private final int messages;
    private final long startNanos;

    PublishFuture(BrokerMetrics metrics, int messages, long startNanos) {
        this.metrics = metrics;
        this.messages = messages;
        this.startNanos = startNanos;
    }

    /** Counts the publish, then completes with {@code result}: what waits on it sees the metrics updated. */
    public void succeed(T result) {
        if (!isDone()) {
            metrics.publishedSince(messages, startNanos);
        }
        complete(result);
    }

    /** Completes exceptionally with {@code failure}, unwrapped from a {@link CompletionException}. */
    public void fail(Throwable failure) {
        completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure);
    }

    /** Fails with {@code failure} if there is one, else succeeds with {@code result}: a client callback's pair. */
    public void settle(T result, Throwable failure) {
        if (failure != null) {
            fail(failure);
        } else {
            succeed(result);
        }
    }

    /** Settles this publish as {@code stage} settles, for backends whose client gives a stage. */
    public void settleWith(CompletionStage<? extends T> stage) {
        stage.whenComplete(this::settle);
    }

    /** Dependent stages are plain futures: only the backend settles a publish. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}

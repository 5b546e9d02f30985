package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import io.greenlang.messaging.spi.runtime.CommandRetry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RetriableException;

/**
 * How the backend waits for a kafka-clients call: within the request timeout (option {@code request-timeout}),
 * with failures translated by {@link KafkaErrors}, and, for steps that may meet a topic just created or a leader
 * moving, again after a retriable failure as {@link CommandRetry} says. Immutable and thread-safe.
 */
final class KafkaCalls {
    /** Time beyond the request timeout for the client to report its own timeout first. */
    private static final long GRACE_MILLIS = 5_000;

    private final Duration requestTimeout;
    private final CommandRetry retry;

    KafkaCalls(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        this.retry = new CommandRetry(requestTimeout, e -> e.getCause() instanceof RetriableException);
    }

    /**
     * Waits for a stage within the request timeout.
     *
     * @throws MessagingException the stage's failure, translated; a {@link MessagingTimeoutException} if it did not
     *     finish in time; a plain one, with the interrupt flag set again, if the thread was interrupted
     */
    <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get(requestTimeout.toMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            throw KafkaErrors.translate(what, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MessagingTimeoutException(what + " did not finish within " + Durations.format(requestTimeout), e);
        }
    }

    /**
     * Runs {@code step} again while it fails with a retriable error (a translated failure whose cause is a
     * kafka-clients {@link RetriableException}), within the request timeout.
     */
    <T> T retrying(String what, Supplier<T> step) {
        return retry.run(what, step);
    }
}

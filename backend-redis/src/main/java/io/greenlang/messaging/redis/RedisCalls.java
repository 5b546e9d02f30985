package io.greenlang.messaging.redis;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.spi.runtime.CommandRetry;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How the broker waits for Redis outside the consumers: at most the command timeout and a second, failures translated
 * by {@link RedisErrors}, and (for {@link #call}) a command Redis did not run sent again as {@link CommandRetry}
 * says. Thread-safe.
 */
final class RedisCalls {
    private final RedisSettings settings;
    private final RedisErrors errors;
    private final BooleanSupplier closed;
    private final CommandRetry retry;

    /** @param closed whether the broker is closed: then a command Redis did not run is not sent again */
    RedisCalls(RedisSettings settings, RedisErrors errors, BooleanSupplier closed) {
        this.settings = settings;
        this.errors = errors;
        this.closed = closed;
        this.retry = new CommandRetry(settings.commandTimeout(), e -> e instanceof NotApplied);
    }

    /**
     * Waits for a command, at most the command timeout and a second, and translates its failure.
     *
     * @throws MessagingException on failure, timeout or interruption
     */
    <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(settings.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new MessagingException("Interrupted while waiting for Redis to " + what, e);
        } catch (ExecutionException e) {
            throw errors.translate(e.getCause(), what);
        } catch (TimeoutException e) {
            throw errors.translate(new RedisCommandTimeoutException("no reply within "
                    + settings.commandTimeout()), what);
        }
    }

    /**
     * Runs a command (or a pipeline of them) and waits for it. A command Redis did not run because the
     * connection was down, the server was loading or the cluster was reconfiguring is sent again as
     * {@link CommandRetry} says, until the command timeout has passed; any other failure is translated at once.
     *
     * @throws MessagingException on failure, timeout or interruption
     */
    <T> T call(String what, Supplier<? extends CompletableFuture<T>> command) {
        try {
            return retry.run(what, () -> attempt(what, command));
        } catch (NotApplied e) {
            throw errors.translate(e.getCause(), what);
        }
    }

    private <T> T attempt(String what, Supplier<? extends CompletableFuture<T>> command) {
        CompletableFuture<T> f;
        try {
            f = command.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        try {
            return f.get(settings.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new MessagingException("Interrupted while waiting for Redis to " + what, e);
        } catch (ExecutionException e) {
            if (RedisErrors.outcome(e.getCause()) == RedisErrors.Outcome.NOT_APPLIED_TRANSIENT
                    && !closed.getAsBoolean()) {
                throw new NotApplied(e.getCause());
            }
            throw errors.translate(e.getCause(), what);
        } catch (TimeoutException e) {
            throw errors.translate(new RedisCommandTimeoutException("no reply within "
                    + settings.commandTimeout()), what);
        }
    }

    /** A command Redis did not run: safe to send again. Carries Lettuce's failure, translated if retries run out. */
    private static final class NotApplied extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotApplied(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}

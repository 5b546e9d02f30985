package io.greenlang.messaging.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a consumer waits for Redis: at most the command timeout and a second (plus the block time of a blocking
 * read), a failure translated by the broker's {@link RedisErrors}. Unlike {@link RedisBroker#await}, an interrupt
 * is thrown as it is, for the poller to pass on. Thread-safe.
 */
final class Replies {
    private final RedisBroker broker;

    Replies(RedisBroker broker) {
        this.broker = broker;
    }

    /**
     * Waits for a command.
     *
     * @throws io.greenlang.messaging.MessagingException if it failed or did not answer in time
     */
    <T> T await(CompletableFuture<T> f, String what) throws InterruptedException {
        return awaitFor(f, broker.settings().commandTimeout().toMillis() + 1000, what);
    }

    /**
     * Waits for a blocking read: its block time plus the command timeout.
     *
     * @throws io.greenlang.messaging.MessagingException if it failed or did not answer in time
     */
    <T> T awaitRead(CompletableFuture<T> f, long blockMillis, String what) throws InterruptedException {
        return awaitFor(f, blockMillis + broker.settings().commandTimeout().toMillis() + 1000, what);
    }

    private <T> T awaitFor(CompletableFuture<T> f, long millis, String what) throws InterruptedException {
        try {
            return f.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw broker.errors().translate(e.getCause(), what);
        } catch (TimeoutException e) {
            throw broker.errors().translate(new RedisCommandTimeoutException("no reply"), what);
        }
    }
}

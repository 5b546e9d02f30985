package io.greenlang.messaging.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.protocol.AsyncCommand;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code command-timeout} for a group of {@link RedisClients.SelfTimedCommand}s sent together: one timer for the
 * group instead of Lettuce's one per command, and one callback when all of them are done.
 */
final class CommandDeadline {
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final Timer timer;

    CommandDeadline(Duration timeout, ScheduledExecutorService scheduler, Timer timer) {
        this.timeout = timeout;
        this.scheduler = scheduler;
        this.timer = timer;
    }

    /**
     * Runs {@code action} once every command has completed, failing those still without a reply after the
     * timeout as Lettuce's own timeout would, and as late: on a connection that answered nothing at all, its
     * {@link SilentConnectionWatchdog} fails them first, and says so.
     */
    void whenAllComplete(List<? extends AsyncCommand<byte[], byte[], ?>> commands, Runnable action) {
        long delay = SilentConnectionWatchdog.commandTimer(timeout).toNanos();
        Timeout expiry = timer.newTimeout(t -> expire(commands), delay, TimeUnit.NANOSECONDS);
        afterAll(commands, () -> {
            expiry.cancel();
            action.run();
        });
    }

    private void expire(List<? extends AsyncCommand<byte[], byte[], ?>> commands) {
        Runnable fail = () -> {
            RedisCommandTimeoutException failure = new RedisCommandTimeoutException("Command timed out after "
                    + timeout);
            for (AsyncCommand<byte[], byte[], ?> c : commands) {
                c.completeExceptionally(failure); // no effect on a command that completed meanwhile
            }
        };
        try {
            scheduler.execute(fail); // not on the timer's thread, which serves every timeout of the client
        } catch (RejectedExecutionException e) {
            fail.run(); // the client is shutting down
        }
    }

    /**
     * Redis replies in order on a connection, so waiting for the last command usually covers them all and costs
     * one callback instead of a tree of them; a group spread over cluster nodes, or failed at a disconnect, may
     * complete in another order, and then the rest is waited for as well.
     */
    private static void afterAll(List<? extends AsyncCommand<byte[], byte[], ?>> commands, Runnable action) {
        commands.get(commands.size() - 1).whenComplete((ignored, failure) -> {
            List<CompletableFuture<?>> pending = new ArrayList<>(0);
            for (AsyncCommand<byte[], byte[], ?> c : commands) {
                if (!c.isDone()) {
                    pending.add(c);
                }
            }
            if (pending.isEmpty()) {
                action.run();
            } else {
                CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                        .whenComplete((ignoredToo, failureToo) -> action.run());
            }
        });
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.Durations;
import io.lettuce.core.protocol.CommandHandler;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has answered nothing for {@code command-timeout} while a command waited for its reply,
 * so that Lettuce replaces it. Such a connection is dead without being closed: its server or a proxy, NAT or
 * firewall on the way forgot it (half-open). TCP would tell only after hours, if ever, and timed-out commands
 * alone never replace a connection: every later command would time out on it too.
 *
 * <p>The silence is measured from the later of the last bytes read and the write that found nothing waiting: any
 * reply, even part of one, restarts it. A connection that is slow but answers is left alone. Blocking reads are
 * safe, as their block time is shorter than {@code command-timeout} ({@link RedisSettings} checks it).
 *
 * <p>Before closing, the watchdog fails the commands still waiting with a {@link SilentConnectionException}, so that
 * their callers learn why. Per-command timers run {@link #TIMER_GRACE} later than {@code command-timeout}
 * ({@link #commandTimer}), so that on a silent connection the watchdog acts first and names the cause.
 *
 * <p>One per connection, just before Lettuce's {@link CommandHandler}, whose queue of commands awaiting a reply it
 * reads. Runs on the connection's event loop only, as that queue does, so its fields need no synchronising.
 */
final class SilentConnectionWatchdog extends ChannelDuplexHandler {
    /** How much later than {@code command-timeout} a command's own timer fires: the watchdog's head start. */
    static final Duration TIMER_GRACE = Duration.ofMillis(200);

    private static final Logger LOG = LoggerFactory.getLogger(SilentConnectionWatchdog.class);

    private final Queue<RedisCommand<?, ?, ?>> waiting;
    private final Duration bound;
    private final long boundNanos;
    /** Whether a command may be waiting; set by a write, cleared once a read or a check finds none. */
    private boolean busy;
    /** While busy: since when nothing was read. */
    private long silentSince;
    /** Whether anything was ever read: if not, Lettuce reports the failed connect itself. */
    private boolean answeredOnce;
    private ScheduledFuture<?> check;

    private SilentConnectionWatchdog(Queue<RedisCommand<?, ?, ?>> waiting, Duration bound) {
        this.waiting = waiting;
        this.bound = bound;
        this.boundNanos = bound.toNanos();
    }

    /** Puts a watchdog on a new connection, in front of Lettuce's command handler. */
    static void install(Channel channel, Duration bound) {
        CommandHandler handler = channel.pipeline().get(CommandHandler.class);
        if (handler != null) {
            String name = channel.pipeline().context(handler).name();
            channel.pipeline().addBefore(name, "greenlang-silent-connection-watchdog",
                    new SilentConnectionWatchdog(handler.getStack(), bound));
        }
    }

    /** When a command's own timer should fire: {@link #TIMER_GRACE} after {@code commandTimeout}. */
    static Duration commandTimer(Duration commandTimeout) {
        return commandTimeout.plus(TIMER_GRACE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!busy) {
            busy = true;
            silentSince = System.nanoTime();
            scheduleCheck(ctx, boundNanos);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        silentSince = System.nanoTime();
        answeredOnce = true;
        ctx.fireChannelRead(msg); // Lettuce decodes it here and completes what it answers
        if (waiting.isEmpty()) {
            busy = false;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        busy = false;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    /** At most one check is pending; one that comes early (the clock restarted meanwhile) schedules the next. */
    private void scheduleCheck(ChannelHandlerContext ctx, long delayNanos) {
        if (check == null) {
            check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        check = null;
        if (!busy || !ctx.channel().isActive()) {
            return;
        }
        if (waiting.isEmpty()) {
            busy = false;
            return;
        }
        long silent = System.nanoTime() - silentSince;
        if (silent < boundNanos) {
            scheduleCheck(ctx, boundNanos - silent);
            return;
        }
        logClosing(ctx);
        SilentConnectionException failure = new SilentConnectionException(bound);
        // a copy: a caller told of its failure may send a command at once, which joins the queue
        List<RedisCommand<?, ?, ?>> victims = new ArrayList<>(waiting);
        for (RedisCommand<?, ?, ?> command : victims) {
            command.completeExceptionally(failure); // no effect on one a timer completed already
        }
        busy = false;
        ctx.close();
    }

    private void logClosing(ChannelHandlerContext ctx) {
        String text = "Closing the connection to Redis at {}: it answered nothing for {} while {} command(s) waited for "
                + "a reply, so it is taken for dead (the server or the network went away without closing it). The "
                + "waiting commands fail with an unknown outcome; the client reconnects by itself.";
        if (answeredOnce) {
            LOG.warn(text, ctx.channel().remoteAddress(), Durations.format(bound), waiting.size());
        } else { // a connect whose handshake got no answer: Lettuce logs the failed (re)connect itself
            LOG.debug(text, ctx.channel().remoteAddress(), Durations.format(bound), waiting.size());
        }
    }
}

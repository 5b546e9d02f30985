package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.SubscriptionOptions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a subscription's running handlers for hung ones (still running after their lease ran out, see {@link
 * RunningHandlers}). While every handler slot holds a hung handler the member is stalled: the poller fetches
 * nothing ({@link #holdsBackFetching()}), the records fetched and not started are released, and the source is told
 * ({@link ConsumerSource#stalled}) so that other members get them. The member fetches again once a handler returns.
 * Thread-safe.
 */
final class StallWatch {
    // logs as the runtime, the name under which its users know its messages
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);
    /** Watches every subscription's handlers for hung ones; daemon, so it never keeps a JVM alive. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            r -> RuntimeThreads.daemon(r, "greenlang-handler-watchdog"));

    private final SubscriptionOptions options;
    private final RunningHandlers handlers;
    private final ConsumerSource source;
    private final StopSignal stop;
    private final IntSupplier releaseUnstarted;
    private volatile ScheduledFuture<?> watch;
    private volatile boolean stalled;

    /** @param releaseUnstarted hands back every record fetched and not started, and returns how many */
    StallWatch(SubscriptionOptions options, RunningHandlers handlers, ConsumerSource source, StopSignal stop,
            IntSupplier releaseUnstarted) {
        this.options = options;
        this.handlers = handlers;
        this.source = source;
        this.stop = stop;
        this.releaseUnstarted = releaseUnstarted;
    }

    /** Starts watching, a tenth of the lease apart (at least 10 ms, at most a second). */
    void start() {
        long period = periodNanos(options.leaseTimeout().toNanos());
        watch = WATCHDOG.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    /** Stops watching; a check under way finishes. */
    void cancel() {
        ScheduledFuture<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
    }

    /**
     * Whether the poller must fetch nothing now: the member was found stalled and every handler still hangs. Once
     * one returns the member is no longer stalled, until the watch finds it so again. Called by the poller only.
     */
    boolean holdsBackFetching() {
        if (!stalled) {
            return false;
        }
        if (handlers.stalled(System.nanoTime())) {
            return true;
        }
        stalled = false;
        return false;
    }

    /** How far apart the checks are for a lease of {@code leaseNanos}. */
    static long periodNanos(long leaseNanos) {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(leaseNanos / 10, TimeUnit.SECONDS.toNanos(1)));
    }

    /**
     * One check: marks the member stalled while every handler slot holds a hung handler, and then releases what it
     * fetched and did not start (again on every check, in case the poller was dispatching). Runs on the watchdog.
     */
    void check() {
        try {
            if (!stop.isActive() || !handlers.stalled(System.nanoTime())) {
                return;
            }
            int released = releaseUnstarted.getAsInt();
            if (!stalled) {
                stalled = true;
                LOG.warn("Every handler of {}/{}/{} ({}) is still running after its lease of {}: the member takes "
                        + "nothing until one returns, and gives up {} message(s) it had not started; the hung "
                        + "handlers' messages go to other members", options.topic(), options.group(),
                        options.consumerName(), handlers.slots(), options.leaseTimeout(), released);
                RuntimeThreads.startDaemon(source::stalled, "greenlang-stalled-" + options.topic() + "/"
                        + options.group());
            }
        } catch (RuntimeException e) {
            LOG.warn("Giving up the messages of stalled member {}/{}/{} failed: {}", options.topic(), options.group(),
                    options.consumerName(), e.toString());
        }
    }
}

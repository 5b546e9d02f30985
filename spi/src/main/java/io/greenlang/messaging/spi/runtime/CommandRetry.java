package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.MessagingException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy for running a backend's command again after a transient failure, one the server did not act on
 * (the connection is being re-established, a leader or a slot is moving, a topic was just created): the command
 * runs again after pauses of 20 ms, doubling up to 500 ms, for as long as the next attempt still starts within the
 * budget. Any other failure, and a transient one once the budget is spent, is thrown as it is.
 *
 * <p>Which failures are transient is the backend's knowledge; the pauses are this class's. Immutable and
 * thread-safe.
 */
public final class CommandRetry {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRetry.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(20);
    static final Duration MAX_PAUSE = Duration.ofMillis(500);

    private final Duration budget;
    private final Predicate<? super RuntimeException> isTransient;

    /**
     * @param budget how long after the first attempt another may still start
     * @param isTransient whether a failure is one the server did not act on, so that running the command again is
     *     safe and may succeed
     */
    public CommandRetry(Duration budget, Predicate<? super RuntimeException> isTransient) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("budget must not be negative, was " + budget);
        }
    }

    /**
     * Runs {@code command}, again after each transient failure while the budget lasts.
     *
     * @param what what the command does, for the log ("create topic orders")
     * @throws RuntimeException the command's last failure
     * @throws MessagingException if the thread is interrupted during a pause (the flag is set again), with the last
     *     failure as its cause
     */
    public <T> T run(String what, Supplier<T> command) {
        long deadline = System.nanoTime() + budget.toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                return command.get();
            } catch (RuntimeException e) {
                if (!isTransient.test(e) || System.nanoTime() + pause.toNanos() - deadline > 0) {
                    throw e;
                }
                LOG.debug("{} failed, trying again in {} ms: {}", what, pause.toMillis(), e.toString());
                try {
                    TimeUnit.NANOSECONDS.sleep(pause.toNanos());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new MessagingException("Interrupted while waiting to " + what + " again after a transient "
                            + "failure: " + e.getMessage(), e);
                }
                pause = next(pause);
            }
        }
    }

    /** The pause after {@code pause}: twice as long, at most {@link #MAX_PAUSE}. */
    static Duration next(Duration pause) {
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : doubled;
    }
}

package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stall rule, one check at a time, without the watchdog's schedule. */
class StallWatchTest {
    private final ConsumerRuntimeTest.ScriptedSource source = new ConsumerRuntimeTest.ScriptedSource();
    private final RunningHandlers handlers = new RunningHandlers(2);
    private final StopSignal stop = new StopSignal();
    private final AtomicInteger releases = new AtomicInteger();
    private final StallWatch watch = new StallWatch(SubscriptionOptions.builder("t", "g").concurrency(2).build(),
            handlers, source, stop, () -> {
                releases.incrementAndGet();
                return 3;
            });

    private static long past() {
        return System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    }

    private static long future() {
        return System.nanoTime() + TimeUnit.HOURS.toNanos(1);
    }

    @Test
    void aMemberWithOneHandlerStillInItsLeaseIsNotStalled() {
        handlers.started(0, past());
        handlers.started(1, future());
        watch.check();
        assertThat(watch.holdsBackFetching()).isFalse();
        assertThat(releases).hasValue(0);
        assertThat(source.stalls).hasValue(0);
    }

    @Test
    void aMemberWhoseHandlersAllHangFetchesNothingUntilOneReturns() {
        handlers.started(0, past());
        handlers.started(1, past());
        watch.check();
        assertThat(watch.holdsBackFetching()).isTrue();
        assertThat(releases).hasValue(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> source.stalls.get() == 1);

        watch.check();
        assertThat(releases).as("released again on every check while stalled").hasValue(2);

        handlers.finished(1);
        assertThat(watch.holdsBackFetching()).isFalse();
        assertThat(source.stalls).as("the source is told once per stall").hasValue(1);
    }

    @Test
    void aClosingMemberIsNotWatched() {
        handlers.started(0, past());
        handlers.started(1, past());
        stop.raise();
        watch.check();
        assertThat(watch.holdsBackFetching()).isFalse();
        assertThat(releases).hasValue(0);
    }

    @Test
    void checksAreATenthOfTheLeaseApartWithinBounds() {
        assertThat(StallWatch.periodNanos(Duration.ofSeconds(2).toNanos())).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(StallWatch.periodNanos(Duration.ofMinutes(5).toNanos())).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(StallWatch.periodNanos(Duration.ofMillis(20).toNanos())).isEqualTo(Duration.ofMillis(10).toNanos());
    }
}

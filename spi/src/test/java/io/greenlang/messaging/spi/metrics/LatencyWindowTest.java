package io.greenlang.messaging.spi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.LatencySummary;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LatencyWindow window = new LatencyWindow(now::get);

    private void pass(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void keepsAboutTwoMinutesAndForgetsOlderValues() {
        window.record(Duration.ofMillis(900).toNanos());
        pass(30);
        window.record(Duration.ofMillis(10).toNanos());

        assertThat(window.summary().count()).isEqualTo(2);
        assertThat(window.summary().max()).isEqualTo(Duration.ofMillis(900));

        pass(100); // the 900 ms value is now 130 s old, the 10 ms one 100 s
        LatencySummary later = window.summary();
        assertThat(later.count()).isEqualTo(1);
        assertThat(later.max()).isEqualTo(Duration.ofMillis(10));

        pass(200);
        assertThat(window.summary()).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void movesValuesOnWhenASlotEndsWithoutASummary() {
        for (int second = 0; second < 150; second++) {
            window.record(Duration.ofMillis(second + 1).toNanos());
            pass(1);
        }

        LatencySummary summary = window.summary();
        assertThat(summary.count()).as("only the last 100 to 120 s are kept").isBetween(100L, 120L);
        assertThat(summary.max()).isEqualTo(Duration.ofMillis(150));
        assertThat(summary.p50().toMillis()).isBetween(85L, 105L);
    }

    @Test
    void neverReportsAPercentileAboveTheExactMaximum() {
        window.record(1_234_567);

        LatencySummary summary = window.summary();
        assertThat(summary.max()).isEqualTo(Duration.ofNanos(1_234_567));
        assertThat(summary.p99()).isLessThanOrEqualTo(summary.max());
        assertThat(summary.p50()).isLessThanOrEqualTo(summary.max());
    }
}

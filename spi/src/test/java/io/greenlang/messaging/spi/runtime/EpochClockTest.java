package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochClockTest {

    @Test
    void followsTheSystemClock() {
        Instant before = Instant.now();
        long epochNanos = EpochClock.epochNanos();
        Instant after = Instant.now();

        // the anchor may be up to a second old; nanoTime and the wall clock drift by far less than 10 ms in that
        long slack = Duration.ofMillis(10).toNanos();
        assertThat(epochNanos).isBetween(nanos(before) - slack, nanos(after) + slack);
    }

    @Test
    void measuresTheTimeSinceAnInstant() {
        Instant then = Instant.now().minusSeconds(3);
        long since = EpochClock.nanosSince(then);

        assertThat(since).isBetween(Duration.ofMillis(2_990).toNanos(), Duration.ofSeconds(60).toNanos());
    }

    @Test
    void givesZeroForAnInstantAheadAndSaturatesFarBack() {
        assertThat(EpochClock.nanosSince(Instant.now().plusSeconds(5))).isZero();
        assertThat(EpochClock.nanosSince(Instant.now().plusNanos(Duration.ofMillis(900).toNanos()))).isZero();
        assertThat(EpochClock.nanosSince(Instant.MIN)).isEqualTo(Long.MAX_VALUE);
        assertThat(EpochClock.nanosSince(Instant.MAX)).isZero();
        assertThat(EpochClock.nanosSince(Instant.EPOCH)).isGreaterThan(Duration.ofDays(365L * 50).toNanos());
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}

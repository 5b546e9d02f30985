package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class WallClockTest {

    @Test
    void datesAMessageNoEarlierThanTheClockReadBeforeIt() {
        for (int i = 0; i < 10_000; i++) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Message m = Message.builder("t").build();

            assertThat(m.createdAt()).isAfterOrEqualTo(before);
            // the anchor runs ahead of the system clock by at most the time between its two readings
            assertThat(m.createdAt()).isBefore(Instant.now().plus(Duration.ofMillis(1)));
        }
    }

    @Test
    void followsTheSystemClock() {
        Instant before = Instant.now();
        long epochNanos = WallClock.epochNanos();
        Instant after = Instant.now();

        // the anchor may be up to a second old; nanoTime and the wall clock drift by far less than 10 ms in that
        long slack = Duration.ofMillis(10).toNanos();
        assertThat(epochNanos).isBetween(nanos(before) - slack, nanos(after) + slack);
    }

    @Test
    void writesMicrosecondsAsAnInstant() {
        assertThat(WallClock.ofEpochMicros(1_700_000_000_123_456L))
                .isEqualTo(Instant.parse("2023-11-14T22:13:20.123456Z"));
        assertThat(WallClock.ofEpochMicros(-1)).isEqualTo(Instant.EPOCH.minusNanos(1_000));
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}

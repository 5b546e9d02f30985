package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EndToEndLatencyTest {

    @Test
    void measuresTheTimeSinceAnInstant() {
        Instant then = Instant.now().minusSeconds(3);
        long since = EndToEndLatency.nanosSince(then, System.nanoTime());

        assertThat(since).isBetween(Duration.ofMillis(2_990).toNanos(), Duration.ofSeconds(60).toNanos());
    }

    @Test
    void givesZeroForAnInstantAheadAndSaturatesFarBack() {
        assertThat(since(Instant.now().plusSeconds(5))).isZero();
        assertThat(since(Instant.now().plusNanos(Duration.ofMillis(900).toNanos()))).isZero();
        assertThat(since(Instant.MIN)).isEqualTo(Long.MAX_VALUE);
        assertThat(since(Instant.MAX)).isZero();
        assertThat(since(Instant.EPOCH)).isGreaterThan(Duration.ofDays(365L * 50).toNanos());
    }

    private static long since(Instant createdAt) {
        return EndToEndLatency.nanosSince(createdAt, System.nanoTime());
    }
}

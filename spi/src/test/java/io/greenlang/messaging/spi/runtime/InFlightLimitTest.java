package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
    private static final Duration SHORT = Duration.ofMillis(10);

    @Test
    void aFetchTakesEveryFreePermitUpToTheBatchSize() {
        InFlightLimit limit = new InFlightLimit(10);
        assertThat(limit.acquireBatch(4, SHORT)).isEqualTo(4);
        assertThat(limit.acquireBatch(100, SHORT)).isEqualTo(6);
        assertThat(limit.inFlight()).isEqualTo(10);
    }

    @Test
    void aFetchGetsNothingWhileEveryPermitIsTaken() {
        InFlightLimit limit = new InFlightLimit(2);
        limit.acquireBatch(2, SHORT);
        assertThat(limit.acquireBatch(2, SHORT)).isZero();
        limit.release();
        assertThat(limit.acquireBatch(2, SHORT)).isEqualTo(1);
    }

    @Test
    void releasedPermitsAreFreeAgain() {
        InFlightLimit limit = new InFlightLimit(5);
        limit.acquireBatch(5, SHORT);
        limit.release(3);
        limit.release(0);
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void anInterruptedFetchGetsNothingAndKeepsTheFlag() {
        InFlightLimit limit = new InFlightLimit(1);
        limit.acquireBatch(1, SHORT);
        Thread.currentThread().interrupt();
        try {
            assertThat(limit.acquireBatch(1, Duration.ofMinutes(1))).isZero();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}

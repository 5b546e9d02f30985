package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopSignalTest {
    private final StopSignal stop = new StopSignal();

    @Test
    void aNewSignalIsActive() {
        assertThat(stop.isActive()).isTrue();
        assertThat(stop.isAbandoned()).isFalse();
        assertThat(stop.await(Duration.ofMillis(1))).as("not closing: the wait runs out").isFalse();
    }

    @Test
    void onlyTheFirstRaiseCounts() {
        assertThat(stop.raise()).isTrue();
        assertThat(stop.raise()).isFalse();
        assertThat(stop.isActive()).isFalse();
    }

    @Test
    void raisingWakesAWaiter() throws Exception {
        CompletableFuture<Boolean> woke = CompletableFuture.supplyAsync(() -> stop.await(Duration.ofMinutes(1)));
        stop.raise();
        assertThat(woke.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stop.await(Duration.ofMinutes(1))).as("once raised, waits return at once").isTrue();
    }

    @Test
    void anInterruptedWaitCountsAsClosingAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThat(stop.await(Duration.ofMinutes(1))).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void abandoningIsRemembered() {
        stop.abandon();
        assertThat(stop.isAbandoned()).isTrue();
    }
}

package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunningHandlersTest {
    private final RunningHandlers handlers = new RunningHandlers(2);

    @Test
    void idleSlotsAreNeitherHungNorStalled() {
        assertThat(handlers.hung(Long.MAX_VALUE)).isZero();
        assertThat(handlers.stalled(0)).isFalse();
    }

    @Test
    void aHandlerIsHungOnceItsLeaseRanOut() {
        handlers.started(0, 100);
        assertThat(handlers.hung(99)).isZero();
        assertThat(handlers.hung(100)).isEqualTo(1);
        assertThat(handlers.stalled(100)).as("one slot of two hangs: the other can still run").isFalse();
    }

    @Test
    void theMemberIsStalledWhenEverySlotHangs() {
        handlers.started(0, 100);
        handlers.started(1, 200);
        assertThat(handlers.stalled(150)).isFalse();
        assertThat(handlers.stalled(200)).isTrue();
        handlers.finished(1);
        assertThat(handlers.stalled(300)).as("a handler returned: its slot is free").isFalse();
    }

    @Test
    void anExtensionMovesTheDeadlineOnlyForward() {
        handlers.started(0, 100);
        handlers.extended(0, 500);
        assertThat(handlers.hung(400)).isZero();
        handlers.extended(0, 300);
        assertThat(handlers.hung(400)).isZero();
        assertThat(handlers.hung(500)).isEqualTo(1);
    }

    @Test
    void anExtensionOfAnIdleSlotIsIgnored() {
        handlers.extended(0, 500);
        assertThat(handlers.hung(1000)).isZero();
    }

    @Test
    void deadlinesWrapAroundLikeNanoTime() {
        handlers.started(0, Long.MAX_VALUE - 10);
        assertThat(handlers.hung(Long.MAX_VALUE - 20)).isZero();
        assertThat(handlers.hung(Long.MIN_VALUE + 5)).as("past the deadline, across the wrap").isEqualTo(1);
    }

    @Test
    void thereIsAtLeastOneSlot() {
        assertThatThrownBy(() -> new RunningHandlers(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

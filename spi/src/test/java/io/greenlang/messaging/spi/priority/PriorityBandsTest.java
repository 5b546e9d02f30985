package io.greenlang.messaging.spi.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PriorityBandsTest {
    @Test
    void everyPriorityFallsInTheBandItsStorageIsNamedAfter() {
        int[] expected = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
        for (int priority = 0; priority <= 9; priority++) {
            assertThat(PriorityBands.of(priority)).as("band of priority %d", priority).isEqualTo(expected[priority]);
        }
        assertThat(PriorityBands.of(4)).as("the default priority").isEqualTo(PriorityBands.DEFAULT);
        assertThat(PriorityBands.of(0)).isEqualTo(PriorityBands.LOW);
        assertThat(PriorityBands.of(9)).isEqualTo(PriorityBands.HIGH);
        assertThat(PriorityBands.COUNT).isEqualTo(3);
    }

    @Test
    void aPriorityOutsideZeroToNineIsRefused() {
        assertThatThrownBy(() -> PriorityBands.of(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("priority must be from 0 to 9, was 10");
        assertThatThrownBy(() -> PriorityBands.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}

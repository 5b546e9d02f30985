package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HandOversTest {
    @Test
    void aRecordHandedToAHandlerComesBackWithTheNextAttempt() {
        assertThat(HandOvers.next(1, true)).isEqualTo(2);
        assertThat(HandOvers.next(4, true)).isEqualTo(5);
    }

    @Test
    void aRecordFetchedAheadAndNeverStartedKeepsItsAttempt() {
        assertThat(HandOvers.next(1, false)).isEqualTo(1);
        assertThat(HandOvers.next(3, false)).isEqualTo(3);
    }

    @Test
    void theAttemptDoesNotOverflow() {
        assertThat(HandOvers.next(Integer.MAX_VALUE, true)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void attemptsStartAtOne() {
        assertThatThrownBy(() -> HandOvers.next(0, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starts at 1");
    }
}

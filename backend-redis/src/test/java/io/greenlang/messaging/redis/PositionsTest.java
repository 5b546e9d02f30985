package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PositionsTest {
    @Test
    void readsTheMillisecondsOfAnEntryIdInPlace() {
        assertThat(Positions.leadingMillis("1718000000000-3", 0)).isEqualTo(1_718_000_000_000L);
        assertThat(Positions.leadingMillis("2:1718000000123-0", 2)).isEqualTo(1_718_000_000_123L);
        assertThat(Positions.leadingMillis("0-0", 0)).isZero();
    }

    @Test
    void findsNoMillisecondsWhereThereIsNoEntryId() {
        assertThat(Positions.leadingMillis("retry:1718000000000-3", 0)).isEqualTo(-1);
        assertThat(Positions.leadingMillis("1718000000000", 0)).as("no dash").isEqualTo(-1);
        assertThat(Positions.leadingMillis("-3", 0)).as("no digits").isEqualTo(-1);
        assertThat(Positions.leadingMillis("99999999999999999999-0", 0)).as("too long").isEqualTo(-1);
        assertThat(Positions.leadingMillis("", 0)).isEqualTo(-1);
    }
}

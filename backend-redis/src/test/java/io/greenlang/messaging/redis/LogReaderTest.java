package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Where each band continues after a position in log order")
class LogReaderTest {
    private static final Positions.StreamPosition CURSOR = new Positions.StreamPosition(1, 1_718_000_000_000L, 3);

    @Test
    @DisplayName("its own band after the entry, a higher band in the same millisecond, a lower band in the next")
    void lowerBoundPerBand() {
        assertThat(LogReader.lowerBound(CURSOR, 1).getLower())
                .isEqualTo(Range.Boundary.excluding("1718000000000-3"));
        assertThat(LogReader.lowerBound(CURSOR, 2).getLower())
                .isEqualTo(Range.Boundary.including("1718000000000-0"));
        assertThat(LogReader.lowerBound(CURSOR, 0).getLower())
                .isEqualTo(Range.Boundary.including("1718000000001-0"));
        assertThat(LogReader.lowerBound(CURSOR, 0).getUpper()).isEqualTo(Range.Boundary.unbounded());
    }

    @Test
    @DisplayName("from the beginning, every band from its start")
    void unboundedFromTheBeginning() {
        assertThat(LogReader.lowerBound(null, 0)).isEqualTo(Range.unbounded());
    }
}

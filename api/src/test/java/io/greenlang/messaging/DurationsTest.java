package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesAWholeNumberWithAUnitOrIso() {
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse(" 30s ")).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("12h")).contains(Duration.ofHours(12));
        assertThat(Durations.parse("7d")).contains(Duration.ofDays(7));
        assertThat(Durations.parse("PT1.5S")).contains(Duration.ofMillis(1500));
        assertThat(Durations.parse("pt2m")).contains(Duration.ofMinutes(2));
    }

    @Test
    void rejectsWhatIsNotADurationOrIsNegative() {
        for (String bad : new String[] {"", "s", "1.5s", "-5s", "+5s", "5", "5x", "PT-1S", "99999999999999999d"}) {
            assertThat(Durations.parse(bad)).as("'%s'", bad).isEmpty();
        }
    }

    @Test
    void formatsInTheLargestExactUnitSoThatItParsesBack() {
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
        for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofMinutes(61), Duration.ofSeconds(86_401)}) {
            assertThat(Durations.parse(Durations.format(d))).contains(d);
        }
    }
}

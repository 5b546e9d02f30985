package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which appends carry the trim clause")
class TrimScheduleTest {
    private static final int EVERY = TrimSchedule.TRIM_EVERY;

    @Test
    @DisplayName("the first append of each second, and every 100th within one")
    void firstOfEachSecondAndEveryHundredth() {
        TrimSchedule schedule = new TrimSchedule();
        List<Integer> trimmed = new ArrayList<>();
        for (int append = 0; append < 250; append++) {
            if (schedule.firstTrim(1_000, 1) == 0) {
                trimmed.add(append);
            }
        }
        assertThat(trimmed).containsExactly(0, EVERY, 2 * EVERY);

        assertThat(schedule.firstTrim(1_001, 1)).as("the first append in the next second").isZero();
        assertThat(schedule.firstTrim(1_001, 1)).as("the second append in that second").isEqualTo(-1);
    }

    @Test
    @DisplayName("a run of appends asked at once trims the same appends as one at a time")
    void runsTrimLikeSingleAppends() {
        TrimSchedule schedule = new TrimSchedule();

        assertThat(schedule.firstTrim(1_000, 250)).as("appends 0 to 249: 0, 100 and 200 trim").isZero();
        assertThat(schedule.firstTrim(1_000, 1)).as("append 250").isEqualTo(-1);
        assertThat(schedule.firstTrim(1_000, 60)).as("appends 251 to 310: 300 trims").isEqualTo(300 - 251);
        assertThat(schedule.firstTrim(1_000, 89)).as("appends 311 to 399").isEqualTo(-1);
        assertThat(schedule.firstTrim(1_000, 1)).as("append 400").isZero();
        assertThat(schedule.firstTrim(1_001, 5)).as("a new second").isZero();
    }

    @Test
    @DisplayName("in a run, the first trim and every 100th after it carry the clause")
    void appendsOfARunThatTrim() {
        assertThat(TrimSchedule.trims(-1, 0)).as("no trim in the run").isFalse();
        assertThat(TrimSchedule.trims(3, 2)).as("before the first trim").isFalse();
        assertThat(TrimSchedule.trims(3, 3)).isTrue();
        assertThat(TrimSchedule.trims(3, 3 + EVERY)).isTrue();
        assertThat(TrimSchedule.trims(3, 4 + EVERY)).isFalse();
    }
}

package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which appends carry the trim clause")
class TrimScheduleTest {
    @Test
    @DisplayName("the first append of each second, and every 100th within one")
    void firstOfEachSecondAndEveryHundredth() {
        RedisPublisher.TrimSchedule schedule = new RedisPublisher.TrimSchedule();
        List<Integer> trimmed = new ArrayList<>();
        for (int append = 0; append < 250; append++) {
            if (schedule.due(1_000)) {
                trimmed.add(append);
            }
        }
        assertThat(trimmed).containsExactly(0, RedisPublisher.TRIM_EVERY, 2 * RedisPublisher.TRIM_EVERY);

        assertThat(schedule.due(1_001)).as("the first append in the next second").isTrue();
        assertThat(schedule.due(1_001)).as("the second append in that second").isFalse();
    }
}

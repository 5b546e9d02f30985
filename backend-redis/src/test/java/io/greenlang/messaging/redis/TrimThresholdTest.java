package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The MINID threshold of the retention")
class TrimThresholdTest {
    private static final long NOW = 1_718_000_000_500L;

    @Test
    @DisplayName("is now minus the retention, worked out once a second")
    void nowMinusRetentionOncePerSecond() {
        TrimThreshold threshold = new TrimThreshold(Duration.ofSeconds(10));

        byte[] first = threshold.minId(NOW);
        assertThat(Keys.string(first)).isEqualTo(Long.toString(NOW - 10_000));
        assertThat(threshold.minId(NOW + 400)).as("later in the same second").isSameAs(first);
        assertThat(Keys.string(threshold.minId(NOW + 600))).as("the next second")
                .isEqualTo(Long.toString(NOW + 600 - 10_000));
    }

    @Test
    @DisplayName("trims nothing without a retention, or before the retention has passed since the epoch")
    void nothingWithoutRetention() {
        assertThat(new TrimThreshold(Duration.ZERO).minId(NOW)).isNull();
        assertThat(new TrimThreshold(Duration.ofMillis(NOW + 1)).minId(NOW)).isNull();
        assertThat(Keys.string(new TrimThreshold(Duration.ZERO).scriptArgument())).as("what scripts get")
                .isEqualTo("0");
    }
}

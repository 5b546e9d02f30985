package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TckTimeoutsTest {
    @Test
    void defaultsToFactorOne() {
        TckTimeouts t = TckTimeouts.from(k -> null, k -> null);
        assertThat(t.factor()).isEqualTo(1.0);
        assertThat(t.eventually()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.bulk()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        TckTimeouts t = TckTimeouts.from(Map.of(TckTimeouts.FACTOR_PROPERTY, "2.5")::get,
                Map.of(TckTimeouts.FACTOR_ENV, "4")::get);
        assertThat(t.factor()).isEqualTo(2.5);
        assertThat(t.eventually()).isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void environmentIsUsedWithoutTheProperty() {
        TckTimeouts t = TckTimeouts.from(k -> null, Map.of(TckTimeouts.FACTOR_ENV, " 3 ")::get);
        assertThat(t.scaled(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void rejectsFactorsThatAreNotPositiveNumbers() {
        for (String bad : new String[] {"0", "-1", "abc", "NaN", "Infinity"}) {
            assertThatThrownBy(() -> TckTimeouts.from(Map.of(TckTimeouts.FACTOR_PROPERTY, bad)::get, k -> null))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(TckTimeouts.FACTOR_PROPERTY);
        }
    }
}

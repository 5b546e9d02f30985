package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = RetryPolicy.builder().maxAttempts(4).initialBackoff(Duration.ofMillis(100))
            .multiplier(3).maxBackoff(Duration.ofMillis(500)).jitter(0.5).nonRetryable(UncheckedIOException.class).build();

    @Test
    void backoffGrowsAndIsCapped() {
        assertThat(policy.backoff(1, 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2, 0)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.backoff(3, 0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void jitterOnlyAdds() {
        assertThat(policy.backoff(1, 0.999)).isBetween(Duration.ofMillis(100), Duration.ofMillis(150));
        assertThat(policy.backoff(2, 0.999)).isEqualTo(Duration.ofMillis(449).plusNanos(850_000));
    }

    @Test
    void retriesUntilTheLastAttemptUnlessNonRetryable() {
        RuntimeException plain = new IllegalStateException("x");

        assertThat(policy.shouldRetry(3, plain)).isTrue();
        assertThat(policy.shouldRetry(4, plain)).isFalse();
        assertThat(policy.shouldRetry(1, new NonRetryableException("bad"))).isFalse();
        assertThat(policy.shouldRetry(1, new PayloadDecodingException("bad"))).isFalse();
        assertThat(policy.shouldRetry(1, new UncheckedIOException(new java.io.IOException("io")))).isFalse();
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(2))
                .maxBackoff(Duration.ofSeconds(1)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("below initialBackoff");
    }
}

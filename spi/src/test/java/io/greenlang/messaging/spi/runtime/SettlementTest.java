package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.NonRetryableException;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The settling rules for a failed attempt, against the runtime test's scripted source. */
class SettlementTest {
    private static final RetryPolicy THREE_ATTEMPTS = RetryPolicy.builder().maxAttempts(3)
            .initialBackoff(Duration.ofMillis(10)).multiplier(2).jitter(0).build();
    private static final Instant FIRST = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant NOW = FIRST.plusSeconds(5);

    private final ConsumerRuntimeTest.ScriptedSource source = new ConsumerRuntimeTest.ScriptedSource();
    private final BrokerMetrics metrics = new BrokerMetrics("test", "test");

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    private Settlement settlement(boolean ordered) {
        return new Settlement(SubscriptionOptions.builder("t", "g").retryPolicy(THREE_ATTEMPTS).ordered(ordered)
                .build(), source, metrics);
    }

    private static InboundMessage record() {
        return InboundMessage.of(Message.builder("t").build(), new Position("1"), 1, null, null);
    }

    @Test
    void anUnorderedFailureIsRetriedThroughTheSourceAfterTheBackoff() {
        Duration inPlace = settlement(false).failed(record(), 2, FIRST, NOW, new IllegalStateException("boom"));

        assertThat(inPlace).isNull();
        assertThat(source.calls).containsExactly("retry 1 PT0.02S");
        assertThat(metrics.snapshot().failed()).isEqualTo(1);
        assertThat(metrics.snapshot().retried()).isEqualTo(1);
    }

    @Test
    void anOrderedFailureIsLeftUnsettledForARetryInPlace() {
        Duration inPlace = settlement(true).failed(record(), 1, FIRST, NOW, new IllegalStateException("boom"));

        assertThat(inPlace).isEqualTo(Duration.ofMillis(10));
        assertThat(source.calls).isEmpty();
        assertThat(metrics.snapshot().retried()).isEqualTo(1);
    }

    @Test
    void theLastAllowedAttemptIsDeadLetteredWithItsFailure() {
        Duration inPlace = settlement(true).failed(record(), 3, FIRST, NOW, new IllegalStateException("boom"));

        assertThat(inPlace).isNull();
        assertThat(source.letters).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(l.attempts()).isEqualTo(3);
            assertThat(l.firstFailure()).isEqualTo(FIRST);
            assertThat(l.lastFailure()).isEqualTo(NOW);
            assertThat(l.exceptionClass()).contains(IllegalStateException.class.getName());
            assertThat(l.exceptionMessage()).isEqualTo("boom");
        });
        assertThat(metrics.snapshot().deadLettered()).isEqualTo(1);
        assertThat(metrics.snapshot().retried()).isZero();
    }

    @Test
    void theDeadLetterReasonSaysWhyThereIsNoFurtherAttempt() {
        assertThat(Settlement.deadLetterReason(THREE_ATTEMPTS, new IllegalStateException()))
                .isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(Settlement.deadLetterReason(THREE_ATTEMPTS, new NonRetryableException("no")))
                .isEqualTo(DeadLetterReason.NON_RETRYABLE);
        assertThat(Settlement.deadLetterReason(THREE_ATTEMPTS, new PayloadDecodingException("bad body")))
                .isEqualTo(DeadLetterReason.UNDECODABLE);
        RetryPolicy refusing = RetryPolicy.builder().nonRetryable(IllegalArgumentException.class).build();
        assertThat(Settlement.deadLetterReason(refusing, new IllegalArgumentException()))
                .isEqualTo(DeadLetterReason.NON_RETRYABLE);
    }

    @Test
    void aFailureWithoutMessageIsDescribedByItsClass() {
        assertThat(Settlement.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(Settlement.describe(new IllegalStateException("why"))).isEqualTo("why");
    }
}

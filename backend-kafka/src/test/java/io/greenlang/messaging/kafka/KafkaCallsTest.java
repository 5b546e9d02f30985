package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.MessagingException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class KafkaCallsTest {
    private final KafkaCalls calls = new KafkaCalls(Duration.ofSeconds(5));

    @Test
    void awaitReturnsTheResultOrTheTranslatedFailure() {
        assertThat(calls.await(CompletableFuture.completedFuture("done"), "Describing")).isEqualTo("done");
        assertThatThrownBy(() -> calls.await(CompletableFuture.failedFuture(new GroupAuthorizationException("no")),
                "Reading the offsets of group g"))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageStartingWith("Reading the offsets of group g failed: GroupAuthorizationException");
    }

    @Test
    void anInterruptedAwaitFailsAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> calls.await(new CompletableFuture<>(), "Creating t"))
                    .isInstanceOf(MessagingException.class)
                    .hasMessage("Creating t was interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void retryingRunsAStepAgainAfterARetriableFailure() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls.retrying("set offsets", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw KafkaErrors.translate("Setting offsets", new UnknownTopicOrPartitionException("new topic"));
            }
            return "set";
        });
        assertThat(result).isEqualTo("set");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void retryingThrowsAnyOtherFailureAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        MessagingException refused = KafkaErrors.translate("Setting offsets", new GroupAuthorizationException("no"));
        assertThatThrownBy(() -> calls.retrying("set offsets", () -> {
            attempts.incrementAndGet();
            throw refused;
        })).isSameAs(refused);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void retryingGivesUpWhenTheRequestTimeoutIsSpent() {
        KafkaCalls noTime = new KafkaCalls(Duration.ZERO);
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> noTime.retrying("set offsets", () -> {
            attempts.incrementAndGet();
            throw KafkaErrors.translate("Setting offsets", new UnknownTopicOrPartitionException("new topic"));
        })).isInstanceOf(ConnectionException.class);
        assertThat(attempts).hasValue(1);
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;

class KafkaErrorsTest {
    @Test
    void unwrapsCompletionAndExecutionExceptions() {
        TopicExistsException cause = new TopicExistsException("exists");
        assertThat(KafkaErrors.unwrap(new CompletionException(new ExecutionException(cause)))).isSameAs(cause);
        assertThat(KafkaErrors.unwrap(cause)).isSameAs(cause);
        CompletionException empty = new CompletionException("no cause", null);
        assertThat(KafkaErrors.unwrap(empty)).isSameAs(empty);
    }

    @Test
    void authenticationAndAuthorizationFailuresAreAuthenticationExceptions() {
        assertThat(KafkaErrors.translate("Connecting", new SaslAuthenticationException("bad password")))
                .isInstanceOf(AuthenticationException.class)
                .hasMessage("Connecting failed: SaslAuthenticationException: bad password");
        assertThat(KafkaErrors.translate("Writing", new TopicAuthorizationException("denied")))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void timeoutsAreMessagingTimeoutExceptions() {
        assertThat(KafkaErrors.translate("Describing", new org.apache.kafka.common.errors.TimeoutException("late")))
                .isInstanceOf(MessagingTimeoutException.class);
        assertThat(KafkaErrors.translate("Describing", new java.util.concurrent.TimeoutException("late")))
                .isInstanceOf(MessagingTimeoutException.class);
    }

    @Test
    void retriableAndIoFailuresAreConnectionExceptions() {
        MessagingException moving = KafkaErrors.translate("Publishing", new CompletionException(
                new NotLeaderOrFollowerException("moving")));
        assertThat(moving).isInstanceOf(ConnectionException.class)
                .hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(KafkaErrors.translate("Publishing", new KafkaException("closed", new IOException("reset"))))
                .isInstanceOf(ConnectionException.class);
    }

    @Test
    void otherFailuresArePlainMessagingExceptionsAndLibraryExceptionsPassThrough() {
        MessagingException other = KafkaErrors.translate("Creating Kafka topic t", new TopicExistsException("t"));
        assertThat(other.getClass()).isEqualTo(MessagingException.class);
        assertThat(other).hasMessage("Creating Kafka topic t failed: TopicExistsException: t");
        MessagingException ours = new ConnectionException("down");
        assertThat(KafkaErrors.translate("Anything", new ExecutionException(ours))).isSameAs(ours);
    }

    @Test
    void aCallersMistakeIsThrownAsItIs() {
        IllegalArgumentException mistake = new IllegalArgumentException("bad partition");
        assertThatThrownBy(() -> KafkaErrors.translate("Publishing", mistake)).isSameAs(mistake);
    }
}

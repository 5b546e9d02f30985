package io.greenlang.messaging.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Position;

/** The builders validate before anything is sent. */
class OptionsTest {
    @Test
    @DisplayName("request client options: valid ids and topics, a derived reply topic")
    void requestClientOptions() {
        RequestClientOptions o = RequestClientOptions.builder().clientId("agent-7").build();
        assertThat(o.replyTopic()).isEqualTo("greenlang.replies.agent-7");
        assertThat(o.expireRequests()).isTrue();
        assertThat(RequestClientOptions.defaults().clientId()).startsWith("client-");
        assertThat(RequestClientOptions.defaults().clientId()).isNotEqualTo(RequestClientOptions.defaults().clientId());
        assertThat(o.mutate().replyTopic("llm.replies.agent-7").build().replyTopic()).isEqualTo("llm.replies.agent-7");
        assertThatThrownBy(() -> RequestClientOptions.builder().clientId("has space"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has space");
        assertThatThrownBy(() -> RequestClientOptions.builder().replyTopic("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestClientOptions.builder().closeGracePeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("saga steps and definitions: an action is required, names are unique")
    void sagaDefinitions() {
        assertThatThrownBy(() -> SagaStep.builder("no-action").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-action");
        assertThatThrownBy(() -> SagaStep.builder("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SagaStep.builder("s").timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        SagaStep a = SagaStep.builder("a").request("svc.a").compensateWithPublish("svc.a.undo").build();
        assertThat(a.action()).isEqualTo(new SagaStep.Exchange(SagaStep.ExchangeKind.REQUEST, "svc.a"));
        assertThat(a.compensation()).contains(new SagaStep.Exchange(SagaStep.ExchangeKind.PUBLISH, "svc.a.undo"));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(30));
        SagaStep b = SagaStep.builder("b").publish("svc.b").build();
        assertThat(b.compensation()).isEmpty();
        assertThatThrownBy(() -> SagaDefinition.builder("d").step(a).step(a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> SagaDefinition.builder("d").build()).isInstanceOf(IllegalStateException.class);
        assertThat(SagaDefinition.builder("d").step(a).step(b).build().steps()).containsExactly(a, b);
    }

    @Test
    @DisplayName("saga coordinator options: valid log topic, attempts at least 1")
    void sagaCoordinatorOptions() {
        SagaCoordinatorOptions o = SagaCoordinatorOptions.builder("reports.sagas").coordinatorId("c1").build();
        assertThat(o.compensationAttempts()).isEqualTo(3);
        assertThat(o.mutate().compensationAttempts(5).build().compensationAttempts()).isEqualTo(5);
        assertThatThrownBy(() -> SagaCoordinatorOptions.builder("reports sagas")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SagaCoordinatorOptions.builder("l").compensationAttempts(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SagaCoordinatorOptions.builder("x".repeat(240)).coordinatorId("abcdefghijk").build())
                .as("a reply inbox name that would be too long").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("checkpoints and snapshots: no negative versions, no null state")
    void checkpoints() {
        assertThat(Checkpoint.START.version()).isZero();
        assertThat(Checkpoint.START.position().isBeginning()).isTrue();
        assertThatThrownBy(() -> new Checkpoint(Position.beginning(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Snapshot.initial(null)).isInstanceOf(NullPointerException.class);
        assertThat(new Snapshot<>("s", new Checkpoint(new Position("9"), 10)).version()).isEqualTo(10);
    }

    @Test
    @DisplayName("saga statuses know which are terminal")
    void sagaStatuses() {
        assertThat(SagaStatus.RUNNING.isTerminal()).isFalse();
        assertThat(SagaStatus.COMPENSATING.isTerminal()).isFalse();
        assertThat(SagaStatus.COMPLETED.isTerminal()).isTrue();
        assertThat(SagaStatus.COMPENSATED.isTerminal()).isTrue();
        assertThat(SagaStatus.FAILED.isTerminal()).isTrue();
    }
}

package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.patterns.CircuitBreaker;
import io.greenlang.messaging.patterns.CircuitBreakerOptions;
import io.greenlang.messaging.patterns.CircuitOpenException;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;
import io.greenlang.messaging.patterns.RequestFailedException;

/**
 * The patterns kit's {@code circuit-breaker} group: a circuit breaker opens on failures, cools down, probes and closes.
 * {@link PatternsContractTest} runs it as its nested class {@code CircuitBreakers}, so a failure reads
 * {@code CircuitBreakers.required_...}; run this group alone with {@code -Dgroups=circuit-breaker}.
 */
public abstract class CircuitBreakersContract extends PatternFeature {
    CircuitBreakersContract(PatternsContractTest kit) {
        super(kit);
    }

    /**
     * The state machine with a controlled clock: CLOSED until 3 consecutive failures (a success resets the
     * count), OPEN refuses without calling, HALF_OPEN after the cool-down allows 2 trials, a failed trial
     * reopens, 2 successful trials close. Every transition is reported. If it fails, check CircuitBreaker.
     */
    @Test
    @DisplayName("the state machine moves CLOSED, OPEN, HALF_OPEN, OPEN, HALF_OPEN, CLOSED")
    void required_theStateMachine() {
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        List<CircuitBreaker.Transition> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder().name("agent")
                .failureThreshold(3).coolDown(Duration.ofSeconds(10)).trialCalls(2).clock(clock)
                .listener(transitions::add).build());
        AtomicInteger calls = new AtomicInteger();
        Runnable fail = () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        };
        Runnable succeed = calls::incrementAndGet;

        assertThatThrownBy(() -> breaker.run(fail)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> breaker.run(fail)).isInstanceOf(IllegalStateException.class);
        breaker.run(succeed);
        assertThat(breaker.stats().consecutiveFailures()).as("a success resets the count").isZero();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> breaker.run(fail)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        int before = calls.get();
        assertThatThrownBy(() -> breaker.run(succeed)).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
            assertThat(e.breaker()).isEqualTo("agent");
            assertThat(e.state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(calls.get()).as("calls made while OPEN").isEqualTo(before);
        clock.advance(Duration.ofSeconds(9));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermission()).as("first trial").isTrue();
        assertThat(breaker.tryAcquirePermission()).as("second trial").isTrue();
        assertThat(breaker.tryAcquirePermission()).as("a third call while two trials run").isFalse();
        breaker.onFailure(new IllegalStateException("still down"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(10));
        breaker.run(succeed);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        breaker.run(succeed);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(transitions).extracting(t -> t.from() + ">" + t.to()).containsExactly(
                "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
        assertThat(transitions.get(0).at()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(breaker.stats().rejected()).isEqualTo(2);
    }

    /**
     * Around requests to a failing agent, the breaker opens after three error replies and then refuses
     * without sending anything; after the cool-down a trial request to the recovered agent closes it. If it
     * fails, check callAsync with the request client.
     */
    @Test
    @DisplayName("a breaker around requests trips on a failing agent and recovers")
    void required_aBreakerAroundRequestsTripsAndRecovers() {
        String topic = topic("cb-agent");
        AtomicBoolean healthy = new AtomicBoolean();
        ReplyService agent = service(topic, d -> {
            if (!healthy.get()) {
                throw new IllegalStateException("agent overloaded");
            }
            return "answer";
        });
        RequestClient client = client();
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder().name("agent")
                .failureThreshold(3).coolDown(Duration.ofSeconds(30)).clock(clock).build());
        for (int i = 0; i < 3; i++) {
            assertThat(failureOf(breaker.callAsync(() -> client.requestAsync(topic, "q", timeouts().eventually()))))
                    .isInstanceOf(RequestFailedException.class);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        for (int i = 0; i < 5; i++) {
            assertThat(failureOf(breaker.callAsync(() -> client.requestAsync(topic, "q", timeouts().eventually()))))
                    .isInstanceOf(CircuitOpenException.class);
        }
        assertThat(client.stats().sent()).as("requests sent: none while OPEN").isEqualTo(3);
        assertThat(agent.stats().failed()).isEqualTo(3);
        healthy.set(true);
        clock.advance(Duration.ofSeconds(30));
        Message reply = resultOf(breaker.callAsync(() -> client.requestAsync(topic, "q", timeouts().eventually())),
                timeouts().eventually());
        assertThat(broker().codec().decode(reply.payload(), String.class)).isEqualTo("answer");
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.stats()).isEqualTo(new CircuitBreaker.Stats(CircuitBreaker.State.CLOSED, 0, 1, 3, 5));
    }

    /**
     * A handler protected by an open breaker is not called; the deliveries fail and come back after the
     * backoff, and are handled once the breaker closes. If it fails, check protect().
     */
    @Test
    @DisplayName("a breaker around a handler holds messages back while open")
    void required_aBreakerAroundAHandlerHoldsMessagesBack() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        String topic = topic("cb-handler");
        CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder().failureThreshold(1).build());
        breaker.onFailure(new IllegalStateException("open it"));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy patient = RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(20))
                .maxBackoff(Duration.ofMillis(20)).jitter(0).build();
        MessageHandler guarded = breaker.protect(d -> handled.add(d.message().payloadAsString()));
        track(broker().subscribe(options(topic, group("cb")).retryPolicy(patient).build(), d -> {
            attempts.incrementAndGet();
            guarded.handle(d);
        }));
        broker().publish(Message.builder(topic).text("held").build());
        timeouts().await("a refused attempt").until(() -> attempts.get() >= 2);
        assertThat(handled).as("handled while OPEN").isEmpty();
        breaker.reset();
        timeouts().await("the message handled once the breaker closed").until(() -> handled.size() == 1);
        assertThat(handled).containsExactly("held");
    }
}

package io.greenlang.messaging.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.patterns.CircuitBreaker.State;

class CircuitBreakerTest {
    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private final List<CircuitBreaker.Transition> transitions = new CopyOnWriteArrayList<>();

    private CircuitBreaker breaker(int threshold, int trials) {
        return CircuitBreaker.create(CircuitBreakerOptions.builder().name("test").failureThreshold(threshold)
                .coolDown(Duration.ofSeconds(5)).trialCalls(trials).clock(clock).listener(transitions::add).build());
    }

    private static void fail(CircuitBreaker b) {
        assertThatThrownBy(() -> b.run(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
    }

    @Nested
    @DisplayName("CLOSED")
    class Closed {
        @Test
        @DisplayName("opens at the threshold of consecutive failures, not before")
        void opensAtTheThreshold() {
            CircuitBreaker b = breaker(3, 1);
            fail(b);
            fail(b);
            assertThat(b.state()).isEqualTo(State.CLOSED);
            assertThat(b.stats().consecutiveFailures()).isEqualTo(2);
            fail(b);
            assertThat(b.state()).isEqualTo(State.OPEN);
            assertThat(transitions).extracting(CircuitBreaker.Transition::to).containsExactly(State.OPEN);
        }

        @Test
        @DisplayName("a success resets the count of consecutive failures")
        void aSuccessResets() {
            CircuitBreaker b = breaker(2, 1);
            fail(b);
            assertThat(b.call(() -> "ok")).isEqualTo("ok");
            fail(b);
            assertThat(b.state()).isEqualTo(State.CLOSED);
        }

        @Test
        @DisplayName("exceptions the predicate does not record count as successes")
        void unrecordedExceptionsAreSuccesses() {
            CircuitBreaker b = CircuitBreaker.create(CircuitBreakerOptions.builder().failureThreshold(1)
                    .recordAsFailure(t -> !(t instanceof IllegalArgumentException)).build());
            assertThatThrownBy(() -> b.run(() -> {
                throw new IllegalArgumentException("bad input is not an outage");
            })).isInstanceOf(IllegalArgumentException.class);
            assertThat(b.state()).isEqualTo(State.CLOSED);
            assertThat(b.stats().successes()).isEqualTo(1);
        }

        @Test
        @DisplayName("the outcome of a call let through in an earlier state does not move the breaker")
        void staleOutcomesAreIgnored() {
            CircuitBreaker b = breaker(1, 1);
            CompletableFuture<String> slow = new CompletableFuture<>();
            CompletableFuture<String> result = b.callAsync(() -> slow).toCompletableFuture();
            fail(b);
            assertThat(b.state()).isEqualTo(State.OPEN);
            clock.advance(Duration.ofSeconds(5));
            assertThat(b.state()).isEqualTo(State.HALF_OPEN);
            slow.complete("late success");
            assertThat(result).isCompletedWithValue("late success");
            assertThat(b.state()).as("a success from the CLOSED era does not close a HALF_OPEN breaker")
                    .isEqualTo(State.HALF_OPEN);
        }
    }

    @Nested
    @DisplayName("OPEN")
    class Open {
        @Test
        @DisplayName("refuses without calling, with the time left, until the cool-down has passed")
        void refusesUntilTheCoolDown() {
            CircuitBreaker b = breaker(1, 1);
            fail(b);
            AtomicInteger calls = new AtomicInteger();
            clock.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> b.run(calls::incrementAndGet)).isInstanceOfSatisfying(CircuitOpenException.class,
                    e -> {
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
                        assertThat(e.breaker()).isEqualTo("test");
                        assertThat(e.getMessage()).contains("test").contains("OPEN").contains("trial call in 3s");
                    });
            assertThat(b.callAsync(() -> CompletableFuture.completedFuture(calls.incrementAndGet())).toCompletableFuture())
                    .isCompletedExceptionally();
            assertThat(calls).hasValue(0);
            assertThat(b.stats().rejected()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(3));
            assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        }

        @Test
        @DisplayName("a protected handler fails with CircuitOpenException without running")
        void protectedHandlerRefuses() throws Exception {
            CircuitBreaker b = breaker(1, 1);
            b.onFailure(new IllegalStateException("x"));
            AtomicInteger runs = new AtomicInteger();
            MessageHandler h = b.protect(d -> runs.incrementAndGet());
            assertThatThrownBy(() -> h.handle(null)).isInstanceOf(CircuitOpenException.class);
            assertThat(runs).hasValue(0);
            b.reset();
            h.handle(null);
            assertThat(runs).hasValue(1);
        }
    }

    @Nested
    @DisplayName("HALF_OPEN")
    class HalfOpen {
        @Test
        @DisplayName("lets the trial calls through, closes when all succeed")
        void closesAfterTrials() {
            CircuitBreaker b = breaker(1, 3);
            fail(b);
            clock.advance(Duration.ofSeconds(5));
            b.run(() -> { });
            b.run(() -> { });
            assertThat(b.state()).isEqualTo(State.HALF_OPEN);
            b.run(() -> { });
            assertThat(b.state()).isEqualTo(State.CLOSED);
            assertThat(transitions).extracting(t -> t.from() + ">" + t.to())
                    .containsExactly("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
        }

        @Test
        @DisplayName("refuses calls beyond the trials, with no wait")
        void refusesBeyondTrials() {
            CircuitBreaker b = breaker(1, 1);
            fail(b);
            clock.advance(Duration.ofSeconds(5));
            assertThat(b.tryAcquirePermission()).isTrue();
            assertThatThrownBy(() -> b.run(() -> { })).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                assertThat(e.state()).isEqualTo(State.HALF_OPEN);
                assertThat(e.retryAfter()).isZero();
            });
        }

        @Test
        @DisplayName("a failed trial opens it again for a full cool-down")
        void aFailedTrialReopens() {
            CircuitBreaker b = breaker(1, 2);
            fail(b);
            clock.advance(Duration.ofSeconds(5));
            b.run(() -> { });
            fail(b);
            assertThat(b.state()).isEqualTo(State.OPEN);
            clock.advance(Duration.ofSeconds(4));
            assertThat(b.state()).isEqualTo(State.OPEN);
            clock.advance(Duration.ofSeconds(1));
            assertThat(b.state()).isEqualTo(State.HALF_OPEN);
        }
    }

    @Test
    @DisplayName("options validate their arguments")
    void optionsValidate() {
        assertThatThrownBy(() -> CircuitBreakerOptions.builder().failureThreshold(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureThreshold");
        assertThatThrownBy(() -> CircuitBreakerOptions.builder().trialCalls(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trialCalls");
        assertThatThrownBy(() -> CircuitBreakerOptions.builder().coolDown(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coolDown");
        assertThatThrownBy(() -> CircuitBreakerOptions.builder().name(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CircuitBreakerOptions.builder().clock(null)).isInstanceOf(NullPointerException.class);
        CircuitBreakerOptions o = CircuitBreakerOptions.builder().name("x").failureThreshold(2).build();
        assertThat(o.mutate().build().failureThreshold()).isEqualTo(2);
        assertThat(o.coolDown()).isEqualTo(Duration.ofSeconds(30));
    }
}

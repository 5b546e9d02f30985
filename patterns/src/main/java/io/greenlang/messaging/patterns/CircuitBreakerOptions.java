package io.greenlang.messaging.patterns;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How a {@link CircuitBreaker} trips and recovers. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: name {@code circuit-breaker}, opens after 5 consecutive failures, 30 s cool-down, 1 trial
 * call, the system UTC clock, every exception a failure, no listener.
 */
public final class CircuitBreakerOptions {
    private final String name;
    private final int failureThreshold;
    private final Duration coolDown;
    private final int trialCalls;
    private final Clock clock;
    private final Predicate<Throwable> recordAsFailure;
    private final Consumer<CircuitBreaker.Transition> listener;

    private CircuitBreakerOptions(Builder b) {
        this.name = b.name;
        this.failureThreshold = b.failureThreshold;
        this.coolDown = b.coolDown;
        this.trialCalls = b.trialCalls;
        this.clock = b.clock;
        this.recordAsFailure = b.recordAsFailure;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder mutate() {
        Builder b = new Builder();
        b.name = name;
        b.failureThreshold = failureThreshold;
        b.coolDown = coolDown;
        b.trialCalls = trialCalls;
        b.clock = clock;
        b.recordAsFailure = recordAsFailure;
        b.listener = listener;
        return b;
    }

    /** Names the breaker in exceptions and transitions. */
    public String name() {
        return name;
    }

    /** Consecutive failures that open a CLOSED breaker. */
    public int failureThreshold() {
        return failureThreshold;
    }

    /** How long an OPEN breaker refuses calls before it lets trial calls through (HALF_OPEN). */
    public Duration coolDown() {
        return coolDown;
    }

    /** Calls let through when HALF_OPEN; all must succeed to close the breaker, one failure reopens it. */
    public int trialCalls() {
        return trialCalls;
    }

    /** The clock the cool-down is measured with. */
    public Clock clock() {
        return clock;
    }

    /** Which exceptions count as failures; the others count as successes (the call reached a healthy service). */
    public Predicate<Throwable> recordAsFailure() {
        return recordAsFailure;
    }

    /** Called on every state change, on the thread that caused it, outside the breaker's lock. */
    public Consumer<CircuitBreaker.Transition> listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "CircuitBreakerOptions{name=" + name + ", failureThreshold=" + failureThreshold + ", coolDown=" + coolDown
                + ", trialCalls=" + trialCalls + ", clock=" + clock + "}";
    }

    /** Builds {@link CircuitBreakerOptions}; every setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private String name = "circuit-breaker";
        private int failureThreshold = 5;
        private Duration coolDown = Duration.ofSeconds(30);
        private int trialCalls = 1;
        private Clock clock = Clock.systemUTC();
        private Predicate<Throwable> recordAsFailure = t -> true;
        private Consumer<CircuitBreaker.Transition> listener = t -> {
        };

        private Builder() {
        }

        /** Not blank. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** At least 1. */
        public Builder failureThreshold(int failureThreshold) {
            this.failureThreshold = Payloads.atLeast(failureThreshold, 1, "failureThreshold");
            return this;
        }

        /** Positive. */
        public Builder coolDown(Duration coolDown) {
            this.coolDown = Payloads.positive(coolDown, "coolDown");
            return this;
        }

        /** At least 1. */
        public Builder trialCalls(int trialCalls) {
            this.trialCalls = Payloads.atLeast(trialCalls, 1, "trialCalls");
            return this;
        }

        /** A clock tests can move, such as a {@code Clock} subclass whose instant they set. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder recordAsFailure(Predicate<Throwable> recordAsFailure) {
            this.recordAsFailure = Objects.requireNonNull(recordAsFailure, "recordAsFailure");
            return this;
        }

        public Builder listener(Consumer<CircuitBreaker.Transition> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public CircuitBreakerOptions build() {
            return new CircuitBreakerOptions(this);
        }
    }
}

package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.greenlang.messaging.Names;

/**
 * One step of a {@link SagaDefinition}: an action, a message exchange with a participant, and optionally a
 * compensation that undoes it. Immutable; build with {@link #builder(String)}.
 * <pre>{@code
 * SagaStep reserve = SagaStep.builder("reserve-credits")
 *         .request("billing.reserve")                 // the reply completes the step; an error reply or timeout fails it
 *         .compensateWithRequest("billing.release")   // run if a later step fails
 *         .timeout(Duration.ofSeconds(5))
 *         .build();
 * }</pre>
 *
 * <p>An action's request carries the saga's input as payload; a compensation's request carries the reply the
 * step got (or the input, if the step was a publish). Both carry headers
 * {@value SagaCoordinator#SAGA_ID_HEADER}, {@value SagaCoordinator#STEP_HEADER} and
 * {@value SagaCoordinator#ACTION_HEADER} ({@code execute} or {@code compensate}). A participant may see a
 * request more than once (a coordinator that restarts sends the step in flight again), so it should
 * recognise repeats by saga id and step.
 */
public final class SagaStep {
    /** How a step talks to its participant. */
    public enum ExchangeKind {
        /** A request-reply exchange: done when the reply arrives, failed by an error reply or the timeout. */
        REQUEST,
        /** A publish: done when the broker confirms it, failed if it does not within the timeout. */
        PUBLISH
    }

    /** A message exchange: its kind and the participant's topic. */
    public record Exchange(ExchangeKind kind, String topic) {
        public Exchange {
            Objects.requireNonNull(kind, "kind");
            Names.requireValidTopic(topic);
        }
    }

    private final String name;
    private final Exchange action;
    private final Exchange compensation;
    private final Duration timeout;

    private SagaStep(Builder b) {
        this.name = b.name;
        this.action = b.action;
        this.compensation = b.compensation;
        this.timeout = b.timeout;
    }

    /**
     * A builder for a step called {@code name}.
     *
     * @throws IllegalArgumentException if the name is not valid (the rules of topic names, see {@link Names})
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Exchange action() {
        return action;
    }

    /** The compensation; empty for a step that needs no undoing. */
    public Optional<Exchange> compensation() {
        return Optional.ofNullable(compensation);
    }

    /** How long the action, and each attempt of the compensation, may take. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "SagaStep{" + name + ", action=" + action + ", compensation=" + compensation + ", timeout=" + timeout + "}";
    }

    /** Builds a {@link SagaStep}; every setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private Exchange action;
        private Exchange compensation;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(String name) {
            this.name = Names.requireValidTopic(name);
        }

        /** The action is a request to {@code topic}; the reply completes the step. */
        public Builder request(String topic) {
            this.action = new Exchange(ExchangeKind.REQUEST, topic);
            return this;
        }

        /** The action is a publish to {@code topic}; the broker's confirmation completes the step. */
        public Builder publish(String topic) {
            this.action = new Exchange(ExchangeKind.PUBLISH, topic);
            return this;
        }

        /** The compensation is a request to {@code topic}; it is done when the reply arrives. */
        public Builder compensateWithRequest(String topic) {
            this.compensation = new Exchange(ExchangeKind.REQUEST, topic);
            return this;
        }

        /** The compensation is a publish to {@code topic}. */
        public Builder compensateWithPublish(String topic) {
            this.compensation = new Exchange(ExchangeKind.PUBLISH, topic);
            return this;
        }

        /** Positive; default 30 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Payloads.positive(timeout, "timeout");
            return this;
        }

        /**
         * @throws IllegalStateException if no action was set
         */
        public SagaStep build() {
            if (action == null) {
                throw new IllegalStateException("Saga step '" + name + "' has no action: call request(topic) or "
                        + "publish(topic).");
            }
            return new SagaStep(this);
        }
    }
}

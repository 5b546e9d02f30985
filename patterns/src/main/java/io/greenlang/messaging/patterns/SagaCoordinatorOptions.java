package io.greenlang.messaging.patterns;

import java.time.Duration;

import io.greenlang.messaging.Names;

/**
 * How a {@link SagaCoordinator} keeps its log and retries compensations. Immutable; build with
 * {@link #builder(String)}.
 *
 * <p>Defaults: a random coordinator id, 3 attempts per compensation 1 s apart, a 5 s grace period on close,
 * the results of the last 10,000 finished sagas kept.
 */
public final class SagaCoordinatorOptions {
    private final String logTopic;
    private final String coordinatorId;
    private final int compensationAttempts;
    private final Duration compensationRetryDelay;
    private final Duration closeGracePeriod;
    private final int finishedSagasKept;

    private SagaCoordinatorOptions(Builder b) {
        this.logTopic = b.logTopic;
        this.coordinatorId = b.coordinatorId != null ? b.coordinatorId : "saga-coordinator-" + Payloads.randomId();
        this.compensationAttempts = b.compensationAttempts;
        this.compensationRetryDelay = b.compensationRetryDelay;
        this.closeGracePeriod = b.closeGracePeriod;
        this.finishedSagasKept = b.finishedSagasKept;
    }

    /**
     * Options for a coordinator whose sagas' state lives in {@code logTopic}.
     *
     * @throws IllegalArgumentException if the topic name is invalid
     */
    public static Builder builder(String logTopic) {
        return new Builder(logTopic);
    }

    public Builder mutate() {
        Builder b = new Builder(logTopic);
        b.coordinatorId = coordinatorId;
        b.compensationAttempts = compensationAttempts;
        b.compensationRetryDelay = compensationRetryDelay;
        b.closeGracePeriod = closeGracePeriod;
        b.finishedSagasKept = finishedSagasKept;
        return b;
    }

    /** The topic that holds the sagas' state, as events; one running coordinator per log topic. */
    public String logTopic() {
        return logTopic;
    }

    /** Names this coordinator; its reply inbox is {@code <logTopic>.replies.<coordinatorId>}. */
    public String coordinatorId() {
        return coordinatorId;
    }

    /** Attempts per compensation before the saga is FAILED. */
    public int compensationAttempts() {
        return compensationAttempts;
    }

    public Duration compensationRetryDelay() {
        return compensationRetryDelay;
    }

    /** How long closing waits for the coordinator's current transition. */
    public Duration closeGracePeriod() {
        return closeGracePeriod;
    }

    /** How many finished sagas' results {@link SagaCoordinator#result(String)} still knows. */
    public int finishedSagasKept() {
        return finishedSagasKept;
    }

    @Override
    public String toString() {
        return "SagaCoordinatorOptions{logTopic=" + logTopic + ", coordinatorId=" + coordinatorId
                + ", compensationAttempts=" + compensationAttempts + ", compensationRetryDelay=" + compensationRetryDelay
                + ", closeGracePeriod=" + closeGracePeriod + ", finishedSagasKept=" + finishedSagasKept + "}";
    }

    /** Builds {@link SagaCoordinatorOptions}; every setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private final String logTopic;
        private String coordinatorId;
        private int compensationAttempts = 3;
        private Duration compensationRetryDelay = Duration.ofSeconds(1);
        private Duration closeGracePeriod = Duration.ofSeconds(5);
        private int finishedSagasKept = 10_000;

        private Builder(String logTopic) {
            this.logTopic = Names.requireValidTopic(logTopic);
        }

        /** A valid group name (see {@link Names}). */
        public Builder coordinatorId(String coordinatorId) {
            this.coordinatorId = Names.requireValidGroup(coordinatorId);
            return this;
        }

        /** At least 1. */
        public Builder compensationAttempts(int compensationAttempts) {
            this.compensationAttempts = Payloads.atLeast(compensationAttempts, 1, "compensationAttempts");
            return this;
        }

        /** Not negative. */
        public Builder compensationRetryDelay(Duration compensationRetryDelay) {
            this.compensationRetryDelay = Payloads.notNegative(compensationRetryDelay, "compensationRetryDelay");
            return this;
        }

        /** Not negative. */
        public Builder closeGracePeriod(Duration closeGracePeriod) {
            this.closeGracePeriod = Payloads.notNegative(closeGracePeriod, "closeGracePeriod");
            return this;
        }

        /** Not negative. */
        public Builder finishedSagasKept(int finishedSagasKept) {
            this.finishedSagasKept = Payloads.atLeast(finishedSagasKept, 0, "finishedSagasKept");
            return this;
        }

        /**
         * @throws IllegalArgumentException if the reply inbox name made from the log topic and coordinator id is
         *     too long for a topic
         */
        public SagaCoordinatorOptions build() {
            SagaCoordinatorOptions options = new SagaCoordinatorOptions(this);
            Names.requireValidTopic(options.logTopic + ".replies." + options.coordinatorId);
            return options;
        }
    }
}

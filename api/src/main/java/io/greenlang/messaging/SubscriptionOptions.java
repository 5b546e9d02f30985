package io.greenlang.messaging;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a subscription reads a topic. Immutable; build with {@link #builder(String, String)}.
 *
 * <p>Defaults: a generated consumer name, concurrency 1, at most 256 messages in flight, a 30 s lease,
 * {@link RetryPolicy#defaults()}, start at {@link StartPosition#LATEST}, no ordering, no provenance check,
 * expired messages dead-lettered, a 10 s grace period on close.
 */
public final class SubscriptionOptions {
    private final String topic;
    private final String group;
    private final String consumerName;
    private final int concurrency;
    private final int maxInFlight;
    private final Duration leaseTimeout;
    private final RetryPolicy retryPolicy;
    private final StartPosition startPosition;
    private final boolean ordered;
    private final boolean verifyProvenance;
    private final boolean deadLetterExpired;
    private final Duration shutdownGracePeriod;

    private SubscriptionOptions(Builder b) {
        this.topic = b.topic;
        this.group = b.group;
        this.consumerName = b.consumerName != null ? b.consumerName : generatedConsumerName();
        this.concurrency = b.concurrency;
        this.maxInFlight = b.maxInFlight;
        this.leaseTimeout = b.leaseTimeout;
        this.retryPolicy = b.retryPolicy;
        this.startPosition = b.startPosition;
        this.ordered = b.ordered;
        this.verifyProvenance = b.verifyProvenance;
        this.deadLetterExpired = b.deadLetterExpired;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
    }

    /**
     * A builder for a subscription of {@code group} to {@code topic}.
     *
     * @throws IllegalArgumentException if a name is invalid (see {@link Names})
     */
    public static Builder builder(String topic, String group) {
        return new Builder(topic, group);
    }

    public Builder mutate() {
        Builder b = new Builder(topic, group);
        b.consumerName = consumerName;
        b.concurrency = concurrency;
        b.maxInFlight = maxInFlight;
        b.leaseTimeout = leaseTimeout;
        b.retryPolicy = retryPolicy;
        b.startPosition = startPosition;
        b.ordered = ordered;
        b.verifyProvenance = verifyProvenance;
        b.deadLetterExpired = deadLetterExpired;
        b.shutdownGracePeriod = shutdownGracePeriod;
        return b;
    }

    public String topic() {
        return topic;
    }

    public String group() {
        return group;
    }

    /** This member's name inside the group; unique per subscription unless set explicitly. */
    public String consumerName() {
        return consumerName;
    }

    /** How many handlers may run at once. */
    public int concurrency() {
        return concurrency;
    }

    /** How many messages may be taken from the broker and not yet settled, handlers running included. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** How long a taken message stays with this member without being settled before others may take it. */
    public Duration leaseTimeout() {
        return leaseTimeout;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public StartPosition startPosition() {
        return startPosition;
    }

    /**
     * Whether messages with one key are handled one at a time in publish order. Retries of an ordered
     * message happen in place, holding back later messages with the same key.
     */
    public boolean ordered() {
        return ordered;
    }

    /** Whether a message whose provenance hash does not match is dead-lettered as TAMPERED. */
    public boolean verifyProvenance() {
        return verifyProvenance;
    }

    /** Whether expired messages go to the dead-letter queue (reason EXPIRED) or are only counted. */
    public boolean deadLetterExpired() {
        return deadLetterExpired;
    }

    /** How long close waits for running handlers to finish. */
    public Duration shutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    @Override
    public String toString() {
        return "SubscriptionOptions{topic=" + topic + ", group=" + group + ", consumerName=" + consumerName
                + ", concurrency=" + concurrency + ", maxInFlight=" + maxInFlight + ", leaseTimeout="
                + leaseTimeout + ", retryPolicy=" + retryPolicy + ", startPosition=" + startPosition
                + ", ordered=" + ordered + ", verifyProvenance=" + verifyProvenance + ", deadLetterExpired="
                + deadLetterExpired + ", shutdownGracePeriod=" + shutdownGracePeriod + "}";
    }

    private static String generatedConsumerName() {
        return "consumer-" + ProcessHandle.current().pid() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** Builds {@link SubscriptionOptions}; every setter validates its argument. */
    public static final class Builder {
        private final String topic;
        private final String group;
        private String consumerName;
        private int concurrency = 1;
        private int maxInFlight = 256;
        private Duration leaseTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private StartPosition startPosition = StartPosition.LATEST;
        private boolean ordered;
        private boolean verifyProvenance;
        private boolean deadLetterExpired = true;
        private Duration shutdownGracePeriod = Duration.ofSeconds(10);

        private Builder(String topic, String group) {
            this.topic = Names.requireValidTopic(topic);
            this.group = Names.requireValidGroup(group);
        }

        /** Must be a valid name (see {@link Names}). */
        public Builder consumerName(String consumerName) {
            this.consumerName = Names.requireValidConsumerName(consumerName);
            return this;
        }

        /** From 1 to 1024. */
        public Builder concurrency(int concurrency) {
            this.concurrency = inRange(concurrency, 1, 1024, "concurrency");
            return this;
        }

        /** From 1 to 65536. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = inRange(maxInFlight, 1, 65536, "maxInFlight");
            return this;
        }

        /** Positive. */
        public Builder leaseTimeout(Duration leaseTimeout) {
            this.leaseTimeout = positive(leaseTimeout, "leaseTimeout");
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        public Builder startPosition(StartPosition startPosition) {
            this.startPosition = Objects.requireNonNull(startPosition, "startPosition");
            return this;
        }

        public Builder ordered(boolean ordered) {
            this.ordered = ordered;
            return this;
        }

        public Builder verifyProvenance(boolean verifyProvenance) {
            this.verifyProvenance = verifyProvenance;
            return this;
        }

        public Builder deadLetterExpired(boolean deadLetterExpired) {
            this.deadLetterExpired = deadLetterExpired;
            return this;
        }

        /** Not negative; zero stops at once and leaves running handlers' messages to their lease. */
        public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
            Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
            if (shutdownGracePeriod.isNegative()) {
                throw new IllegalArgumentException("shutdownGracePeriod must not be negative");
            }
            this.shutdownGracePeriod = shutdownGracePeriod;
            return this;
        }

        public SubscriptionOptions build() {
            return new SubscriptionOptions(this);
        }

        private static int inRange(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", was " + value);
            }
            return value;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}

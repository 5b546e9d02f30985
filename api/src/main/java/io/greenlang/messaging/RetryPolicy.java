package io.greenlang.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How often a failing message is tried and how long to wait between attempts: exponential backoff with a
 * cap and added jitter. Immutable.
 *
 * <p>The wait after failed attempt {@code n} is {@code min(maxBackoff, initialBackoff * multiplier^(n-1) *
 * (1 + jitter * r))} with {@code r} uniform in [0, 1): jitter only ever adds, so a retry never comes sooner
 * than the un-jittered backoff (or the cap).
 *
 * <p>{@link NonRetryableException}, {@link PayloadDecodingException} and the exception types given to
 * {@link Builder#nonRetryable(Class)} skip the retries and go to the dead-letter queue at once.
 */
public final class RetryPolicy {
    private static final RetryPolicy DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final double multiplier;
    private final Duration maxBackoff;
    private final double jitter;
    private final List<Class<? extends Throwable>> nonRetryable;

    private RetryPolicy(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.multiplier = b.multiplier;
        this.maxBackoff = b.maxBackoff;
        this.jitter = b.jitter;
        this.nonRetryable = List.copyOf(b.nonRetryable);
    }

    /** 5 attempts, 200 ms initial backoff, multiplier 2, cap 30 s, jitter 0.2. */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /** One attempt: the first failure dead-letters the message. */
    public static RetryPolicy noRetries() {
        return builder().maxAttempts(1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder mutate() {
        Builder b = new Builder();
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.multiplier = multiplier;
        b.maxBackoff = maxBackoff;
        b.jitter = jitter;
        b.nonRetryable.addAll(nonRetryable);
        return b;
    }

    /** Total handler attempts, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double jitter() {
        return jitter;
    }

    /**
     * The wait before the attempt after failed attempt {@code failedAttempt}.
     *
     * @param random a number in [0, 1) that scales the jitter
     */
    public Duration backoff(int failedAttempt, double random) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt starts at 1, was " + failedAttempt);
        }
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempt - 1.0) * (1 + jitter * random);
        long cap = maxBackoff.toNanos();
        return Duration.ofNanos(nanos >= cap ? cap : (long) nanos);
    }

    /** Whether another attempt should follow failed attempt {@code attempt} that threw {@code failure}. */
    public boolean shouldRetry(int attempt, Throwable failure) {
        return attempt < maxAttempts && isRetryable(failure);
    }

    /** Whether {@code failure} may be retried at all. */
    public boolean isRetryable(Throwable failure) {
        if (failure instanceof NonRetryableException || failure instanceof PayloadDecodingException) {
            return false;
        }
        for (Class<? extends Throwable> type : nonRetryable) {
            if (type.isInstance(failure)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", multiplier="
                + multiplier + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", nonRetryable="
                + nonRetryable + "}";
    }

    /** Builds a {@link RetryPolicy}; every setter validates its argument. */
    public static final class Builder {
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(200);
        private double multiplier = 2.0;
        private Duration maxBackoff = Duration.ofSeconds(30);
        private double jitter = 0.2;
        private final List<Class<? extends Throwable>> nonRetryable = new ArrayList<>();

        private Builder() {
        }

        /** Total attempts, at least 1. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
            return this;
        }

        /** At least 1. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
            return this;
        }

        /** From 0 (none) to 1 (up to double the backoff). */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter <= 1.0)) {
                throw new IllegalArgumentException("jitter must be from 0 to 1, was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Failures of this type (or a subtype) are dead-lettered at once. */
        public Builder nonRetryable(Class<? extends Throwable> type) {
            nonRetryable.add(Objects.requireNonNull(type, "type"));
            return this;
        }

        /**
         * @throws IllegalArgumentException if the cap is below the initial backoff
         */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff "
                        + initialBackoff);
            }
            return new RetryPolicy(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was " + d);
            }
            return d;
        }
    }
}

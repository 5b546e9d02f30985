package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settles a subscription's records with its {@link ConsumerSource} and counts each settlement: acknowledged, retried
 * or dead-lettered, and for a failed attempt which of these the {@link RetryPolicy} asks for. It never touches the
 * in-flight permits: whoever settles a record gives its permit back. Thread-safe (stateless).
 */
final class Settlement {
    private final SubscriptionOptions options;
    private final ConsumerSource source;
    private final BrokerMetrics metrics;

    Settlement(SubscriptionOptions options, ConsumerSource source, BrokerMetrics metrics) {
        this.options = options;
        this.source = source;
        this.metrics = metrics;
    }

    /** The record was handled. */
    void ack(InboundMessage record) {
        source.ack(record);
        metrics.acked();
    }

    /** The handler dead-lettered the record itself in attempt {@code attempt}. */
    void rejected(InboundMessage record, int attempt, String reason) {
        Instant now = Instant.now();
        Instant first = record.firstFailure() != null ? record.firstFailure() : now;
        source.deadLetter(record, new DeadLetterRequest(record.message(), options.group(), DeadLetterReason.REJECTED,
                attempt, first, now, Optional.empty(), reason));
        metrics.deadLettered();
    }

    /**
     * The one expiry policy, whether a record expired before it was dispatched or while it waited for a handler:
     * counted, then dead-lettered or acknowledged as the options say.
     */
    void expired(InboundMessage record) {
        metrics.expired();
        if (options.deadLetterExpired()) {
            Message message = record.message();
            deadLetter(record, message, DeadLetterReason.EXPIRED, record.attempt() - 1, null, Optional.empty(),
                    "expired at " + message.expiresAt().orElseThrow());
        } else {
            source.ack(record);
        }
    }

    /**
     * Dead-letters {@code record} as {@code message} (which differs from the record's for an undecodable one).
     *
     * @param firstFailure when it first failed, or {@code null} for now
     */
    void deadLetter(InboundMessage record, Message message, DeadLetterReason reason, int attempts,
            Instant firstFailure, Optional<String> exceptionClass, String text) {
        Instant now = Instant.now();
        source.deadLetter(record, new DeadLetterRequest(message, options.group(), reason, attempts,
                firstFailure != null ? firstFailure : now, now, exceptionClass, text));
        metrics.deadLettered();
    }

    /**
     * Attempt {@code attempt} failed at {@code now} with {@code failure}: dead-letters the record when the retry
     * policy allows no further attempt, and otherwise hands it back to be delivered again after the backoff, unless
     * the subscription is ordered: an ordered record is retried in place by its handler thread, so it stays unsettled
     * here.
     *
     * @param firstFailure when its first attempt failed ({@code now} if this is the first failure)
     * @return the backoff before the ordered record's next attempt, or {@code null} once the record is settled
     */
    Duration failed(InboundMessage record, int attempt, Instant firstFailure, Instant now, Throwable failure) {
        metrics.failed();
        RetryPolicy policy = options.retryPolicy();
        if (!policy.shouldRetry(attempt, failure)) {
            source.deadLetter(record, new DeadLetterRequest(record.message(), options.group(),
                    deadLetterReason(policy, failure), attempt, firstFailure, now,
                    Optional.of(failure.getClass().getName()), describe(failure)));
            metrics.deadLettered();
            return null;
        }
        metrics.retried();
        Duration backoff = policy.backoff(attempt, ThreadLocalRandom.current().nextDouble());
        if (!options.ordered()) {
            source.retry(record, backoff, firstFailure);
            return null;
        }
        return backoff;
    }

    /** Why a failure the policy does not retry is dead-lettered. */
    static DeadLetterReason deadLetterReason(RetryPolicy policy, Throwable failure) {
        if (failure instanceof PayloadDecodingException) {
            return DeadLetterReason.UNDECODABLE;
        }
        return policy.isRetryable(failure) ? DeadLetterReason.RETRIES_EXHAUSTED : DeadLetterReason.NON_RETRYABLE;
    }

    /** A failure's text for its dead letter: its message, or its class's simple name if it has none. */
    static String describe(Throwable t) {
        String text = t.getMessage();
        return text != null ? text : t.getClass().getSimpleName();
    }
}

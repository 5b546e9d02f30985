package io.greenlang.messaging;

/** Why a message went to the dead-letter queue. */
public enum DeadLetterReason {
    /** The handler failed on every allowed attempt. */
    RETRIES_EXHAUSTED,
    /** The handler threw a {@link NonRetryableException} or an exception its retry policy marks so. */
    NON_RETRYABLE,
    /** The handler called {@link Delivery#deadLetter(String)}. */
    REJECTED,
    /** The message expired before it could be delivered. */
    EXPIRED,
    /** The payload or the record around it could not be decoded. */
    UNDECODABLE,
    /** The provenance hash did not match the message's fields. */
    TAMPERED
}

package io.greenlang.messaging;

import java.time.Duration;

/**
 * One hand-over of a message to a handler. A delivery is settled exactly once: by the handler returning
 * (acknowledged), throwing (failed: retried or dead-lettered by the retry policy), or by calling one of the
 * settling methods below ({@link #ack}, {@link #deadLetter}, {@link #release}) first, in which case the return or throw that follows changes nothing.
 *
 * <p>Methods are thread-safe, so a handler may hand a delivery to another thread, but the subscription
 * counts the message in flight until the handler returns.
 */
public interface Delivery {
    Message message();

    /** 1 on the first hand-over; raised by every retry and every redelivery after a lost lease. */
    int attempt();

    /** Where the message sits in its topic. */
    Position position();

    String group();

    String consumerName();

    /**
     * The payload decoded as a {@code type}, with the codec that the message's content type names.
     *
     * @throws PayloadDecodingException if it cannot be decoded; a handler that lets it propagate has the
     *     message dead-lettered at once with reason {@link DeadLetterReason#UNDECODABLE}
     */
    <T> T body(Class<T> type);

    /** Acknowledges now. Has no effect on a settled delivery. */
    void ack();

    /** Fails now, as if the handler had thrown {@code cause}. Has no effect on a settled delivery. */
    void fail(Throwable cause);

    /** Dead-letters now with reason {@link DeadLetterReason#REJECTED}. Has no effect on a settled delivery. */
    void deadLetter(String reason);

    /**
     * Hands the message back without a verdict and without spending an attempt: it is delivered again, to this
     * member or another, with its attempt unchanged where the backend can keep it. For a handler that took a
     * message it cannot take care of now, such as one whose output went away. Has no effect on a settled
     * delivery; the handler's return or throw that follows changes nothing.
     */
    void release();

    /**
     * Keeps the message with this member for {@code extension} from now, for handlers that run longer than
     * the lease.
     *
     * @return {@code false} if the lease was already lost to another member or the delivery is settled
     */
    boolean extendLease(Duration extension);

    /** Whether the delivery has been settled. */
    boolean isSettled();
}

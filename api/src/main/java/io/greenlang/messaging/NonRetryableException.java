package io.greenlang.messaging;

/**
 * Thrown by a handler to say that retrying cannot help (bad input, a violated invariant). The message goes
 * to the dead-letter queue at once with reason {@link DeadLetterReason#NON_RETRYABLE}.
 */
public class NonRetryableException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public NonRetryableException(String message) {
        super(message);
    }

    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.greenlang.messaging;

/**
 * An operation did not complete within its time limit. The outcome is unknown: a timed-out publish may still have been stored.
 */
public class MessagingTimeoutException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public MessagingTimeoutException(String message) {
        super(message);
    }

    public MessagingTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.greenlang.messaging;

/**
 * An operation was attempted on a broker or subscription that has been closed.
 */
public class BrokerClosedException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public BrokerClosedException(String message) {
        super(message);
    }

    public BrokerClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}

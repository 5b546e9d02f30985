package io.greenlang.messaging;

/**
 * The broker could not be reached or the connection was lost. Usually transient: retrying later may succeed.
 */
public class ConnectionException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public ConnectionException(String message) {
        super(message);
    }

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}

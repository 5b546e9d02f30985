package io.greenlang.messaging;

/**
 * Root of every exception GreenLang Messaging throws. Unchecked: callers catch the subclasses they can
 * act on and let the rest propagate.
 */
public class MessagingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MessagingException(String message) {
        super(message);
    }

    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }
}

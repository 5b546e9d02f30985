package io.greenlang.messaging;

/**
 * A payload could not be decoded with the codec its content type names. A handler that lets this propagate has the message dead-lettered at once with reason {@link DeadLetterReason#UNDECODABLE}.
 */
public class PayloadDecodingException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public PayloadDecodingException(String message) {
        super(message);
    }

    public PayloadDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}

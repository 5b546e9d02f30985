package io.greenlang.messaging;

/**
 * The broker refused the credentials or the user lacks a permission the operation needs.
 */
public class AuthenticationException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;

/**
 * How kafka-clients failures become the library's exceptions. Messages name no secret (kafka-clients' do not
 * either). Stateless and thread-safe.
 */
final class KafkaErrors {
    private KafkaErrors() {
    }

    /** The failure inside the {@link CompletionException}s and {@link ExecutionException}s around it. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * A library exception for a kafka-clients failure of {@code what}: an authentication or authorization failure
     * is an {@link AuthenticationException}, a timeout a {@link MessagingTimeoutException}, a retriable failure or
     * an I/O failure a {@link ConnectionException}; a library exception is returned as it is.
     *
     * @throws IllegalArgumentException if the failure is one: a caller's mistake is not a broker failure
     */
    static MessagingException translate(String what, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof MessagingException) {
            return (MessagingException) t;
        }
        String text = what + " failed: " + t.getClass().getSimpleName() + ": " + t.getMessage();
        if (t instanceof org.apache.kafka.common.errors.AuthenticationException
                || t instanceof org.apache.kafka.common.errors.AuthorizationException) {
            return new AuthenticationException(text, t);
        }
        if (t instanceof org.apache.kafka.common.errors.TimeoutException
                || t instanceof java.util.concurrent.TimeoutException) {
            return new MessagingTimeoutException(text, t);
        }
        if (t instanceof org.apache.kafka.common.errors.RetriableException || t instanceof KafkaException
                && t.getCause() instanceof java.io.IOException) {
            return new ConnectionException(text, t);
        }
        if (t instanceof IllegalArgumentException) {
            throw (IllegalArgumentException) t;
        }
        return new MessagingException(text, t);
    }
}

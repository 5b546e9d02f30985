package io.greenlang.messaging.patterns;

import io.greenlang.messaging.Delivery;

/**
 * Answers one request for a {@link ReplyService}. Called from the service's subscription threads, by up to
 * its concurrency at once.
 */
@FunctionalInterface
public interface RequestHandler {
    /**
     * Returns the reply body: a {@link io.greenlang.messaging.Message} (whose payload, content type and headers
     * are sent), {@code null} (an empty reply), or any other object (encoded with the broker's codec).
     * Throwing fails the request: it is retried by the service's retry policy, and after the last attempt
     * the caller gets a {@link RequestFailedException}.
     */
    Object handle(Delivery request) throws Exception;
}

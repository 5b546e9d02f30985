package io.greenlang.messaging;

/**
 * Handles deliveries. Returning normally acknowledges the message; throwing fails it, and the subscription's
 * {@link RetryPolicy} decides between another attempt and the dead-letter queue.
 *
 * <p>A handler is called from the subscription's worker threads, by up to
 * {@link SubscriptionOptions#concurrency()} threads at once.
 */
@FunctionalInterface
public interface MessageHandler {
    void handle(Delivery delivery) throws Exception;
}

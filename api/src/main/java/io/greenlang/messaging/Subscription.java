package io.greenlang.messaging;

import java.util.concurrent.CompletionStage;

/**
 * A running member of a group. Closing it stops fetching, lets running handlers finish within the grace
 * period, acknowledges what finished and leaves the rest to be delivered again. Close is idempotent and
 * safe from any thread, a handler's included.
 */
public interface Subscription extends AutoCloseable {
    SubscriptionOptions options();

    default String topic() {
        return options().topic();
    }

    default String group() {
        return options().group();
    }

    default String consumerName() {
        return options().consumerName();
    }

    /** Whether it is still fetching and handling messages. */
    boolean isActive();

    /** Messages taken from the broker and not yet settled. */
    int inFlight();

    /**
     * Stops fetching at once and closes, waiting at most the grace period for running handlers; a handler still
     * running then is interrupted and its message delivered again. Never throws; an interrupt does not cut it
     * short and the interrupt flag stays set.
     *
     * <p>Called from inside one of this subscription's handlers, it returns at once, without waiting for any
     * handler (the calling one could not finish while it waits): the subscription stops in the background, as
     * soon as every handler has returned or the grace period has run out, and the calling handler's delivery may
     * still be acknowledged until it returns. {@link Broker#close()} from a handler behaves alike.
     */
    @Override
    void close();

    /** Closes without blocking; the stage completes once the subscription has stopped. */
    CompletionStage<Void> closeAsync();
}

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

    /** Closes, waiting at most the grace period for running handlers. */
    @Override
    void close();

    /** Closes without blocking; the stage completes once the subscription has stopped. */
    CompletionStage<Void> closeAsync();
}

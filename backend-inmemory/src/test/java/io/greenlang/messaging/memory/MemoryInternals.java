package io.greenlang.messaging.memory;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.runtime.ConsumerSource;

/** Test access to the in-memory backend's member, for broken variants that change how a member fetches. */
public final class MemoryInternals {
    private MemoryInternals() {
    }

    /**
     * A member of the group {@code options} name, as a subscription of {@code broker} would fetch through it.
     *
     * @throws ClassCastException if {@code broker} is not a {@code memory://} broker
     */
    public static ConsumerSource openConsumer(Broker broker, SubscriptionOptions options) {
        return ((MemoryBroker) broker).openConsumer(options);
    }
}

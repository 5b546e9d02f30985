package io.greenlang.messaging.memory.broken;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.memory.MemoryInternals;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerRuntime;
import io.greenlang.messaging.spi.runtime.ConsumerSource;

/**
 * Keeps a key's order within each member only, as Redis Streams do: an ordered subscription's consumer runtime
 * runs a key's messages one at a time, but its member fetches from the group as an unordered one would, so the
 * group deals a key's messages to whichever member asks, and two members can run one key at the same time.
 */
public class OrdersWithinMemberOnlyVariant extends BrokenVariant {
    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
                if (options == null || handler == null || !options.ordered()) {
                    return super.subscribe(options, handler);
                }
                ConsumerSource source = MemoryInternals.openConsumer(delegate, options.mutate().ordered(false).build());
                return new ConsumerRuntime(options, handler, source, new BrokerMetrics("memory", delegate.name()),
                        ((AbstractBroker) delegate).codecs(), runtime -> { }).start();
            }
        };
    }
}

package io.greenlang.messaging.memory.broken;

import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;

/**
 * Redelivers acknowledged messages: after a handler returns normally, the 1st, 8th, 15th... successful
 * hand-over of the test (over all of its brokers) is handed to the handler a second time.
 */
public class RedeliversAcknowledgedVariant extends BrokenVariant {
    private final AtomicLong succeeded = new AtomicLong();

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            protected MessageHandler wrap(MessageHandler handler) {
                MessageHandler normal = super.wrap(handler);
                return delivery -> {
                    normal.handle(delivery);
                    if (succeeded.incrementAndGet() % 7 == 1) {
                        try {
                            normal.handle(delivery); // the acknowledged message comes back
                        } catch (Exception ignored) {
                            // the duplicate's outcome does not matter
                        }
                    }
                };
            }
        };
    }
}

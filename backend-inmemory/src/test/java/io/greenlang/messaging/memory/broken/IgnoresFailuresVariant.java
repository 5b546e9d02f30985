package io.greenlang.messaging.memory.broken;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;

/**
 * Ignores handler failures: an exception thrown by the handler is swallowed and the message acknowledged,
 * as if the handler had succeeded. No retries, no dead letters from failures.
 */
public class IgnoresFailuresVariant extends BrokenVariant {
    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            protected MessageHandler wrap(MessageHandler handler) {
                MessageHandler normal = super.wrap(handler);
                return delivery -> {
                    try {
                        normal.handle(delivery);
                    } catch (Exception swallowed) {
                        // the failure is lost: returning normally acknowledges the message
                    }
                };
            }
        };
    }
}

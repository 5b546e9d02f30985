package io.greenlang.messaging.memory.broken;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;

/**
 * Loses messages: every 50th message published during a test (counted over all of the test's brokers) is
 * acknowledged without ever reaching the handler.
 */
public class DropsMessagesVariant extends BrokenVariant {
    private final Set<String> doomed = ConcurrentHashMap.newKeySet();
    private final AtomicLong published = new AtomicLong();

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            protected Message outbound(Message message) {
                if (published.incrementAndGet() % 50 == 0) {
                    doomed.add(message.id());
                }
                return message;
            }

            @Override
            protected MessageHandler wrap(MessageHandler handler) {
                MessageHandler normal = super.wrap(handler);
                return delivery -> {
                    if (doomed.contains(delivery.message().id())) {
                        return; // returning normally acknowledges: the message is lost
                    }
                    normal.handle(delivery);
                };
            }
        };
    }
}

package io.greenlang.messaging.memory.broken;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Breaks per-key order: a subscription that asks for ordering runs unordered (its workers share one queue, as
 * if the backend ignored the request), and one in ten keyed messages waits, for up to 200 ms, until a later
 * message of its key has been handed over, so that the later one overtakes it. The subscription still
 * reports the options it was asked for.
 */
public class BreaksKeyOrderVariant extends BrokenVariant {
    private static final long OVERTAKE_WAIT_MILLIS = 200;

    private final AtomicLong keyed = new AtomicLong();

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
                if (options == null || handler == null || !options.ordered()) {
                    return super.subscribe(options, handler);
                }
                Subscription real = super.subscribe(options.mutate().ordered(false).build(), overtaken(handler));
                return new ForwardingSubscription(real) {
                    @Override
                    public SubscriptionOptions options() {
                        return options;
                    }
                };
            }
        };
    }

    /** Lets a later message of a key overtake one in ten keyed messages. */
    private MessageHandler overtaken(MessageHandler handler) {
        Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>(); // per key: the message waiting to be overtaken
        return delivery -> {
            String key = delivery.message().key().orElse(null);
            if (key == null) {
                handler.handle(delivery);
                return;
            }
            CountDownLatch overtakenBy = new CountDownLatch(1);
            CountDownLatch other = waiting.putIfAbsent(key, overtakenBy);
            if (other == null && keyed.incrementAndGet() % 10 == 1) {
                try {
                    overtakenBy.await(OVERTAKE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } finally {
                    waiting.remove(key, overtakenBy);
                }
                handler.handle(delivery);
                return;
            }
            if (other == null) {
                waiting.remove(key, overtakenBy); // not waiting after all
            }
            try {
                handler.handle(delivery);
            } finally {
                if (other != null) {
                    other.countDown(); // this later message was handed over first
                }
            }
        };
    }
}

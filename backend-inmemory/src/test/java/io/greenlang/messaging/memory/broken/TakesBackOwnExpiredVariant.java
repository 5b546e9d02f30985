package io.greenlang.messaging.memory.broken;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Lets a hung member take back its own expired message (issue 14, defect 8), as a backend does whose reclaim of
 * expired leases does not skip the member whose handler still holds the message: when a handler call outlives the
 * lease while its subscription is active and has a free handler slot, the same member's handler gets the message
 * again, with the attempt raised.
 */
public class TakesBackOwnExpiredVariant extends BrokenVariant {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "broken-take-back");
        t.setDaemon(true);
        return t;
    });

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
                if (options == null || handler == null) {
                    return super.subscribe(options, handler); // the real broker rejects it
                }
                Member me = new Member(options);
                Subscription[] self = new Subscription[1];
                MessageHandler watched = new MessageHandler() {
                    @Override
                    public void handle(Delivery d) throws Exception {
                        AtomicBoolean done = new AtomicBoolean();
                        TIMER.schedule(() -> takeBack(d, done), options.leaseTimeout().toNanos(),
                                TimeUnit.NANOSECONDS);
                        try {
                            me.run(d, handler);
                        } finally {
                            done.set(true);
                        }
                    }

                    private void takeBack(Delivery d, AtomicBoolean done) {
                        if (done.get() || self[0] == null || !self[0].isActive()
                                || me.running() >= options.concurrency()) {
                            return;
                        }
                        Delivery again = new ForwardingDelivery(d, d.message()) {
                            @Override
                            public int attempt() {
                                return d.attempt() + 1;
                            }
                        };
                        Thread t = new Thread(() -> {
                            try {
                                handle(again);
                            } catch (Exception e) {
                                // a failure of the taken-back call changes nothing the kit looks at
                            }
                        }, "broken-taken-back");
                        t.setDaemon(true);
                        t.start();
                    }
                };
                self[0] = super.subscribe(options, watched);
                return self[0];
            }
        };
    }
}

package io.greenlang.messaging.memory.broken;

import java.time.Duration;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Ignores leases: every subscription runs with a lease of an hour, whatever it asked for, so a member that
 * stops responding keeps its messages and no other member gets them. Extending a lease still works, and the
 * subscription still reports the options it was asked for.
 */
public class IgnoresLeasesVariant extends BrokenVariant {
    private static final Duration NEVER_WITHIN_A_TEST = Duration.ofHours(1);

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
                if (options == null) {
                    return super.subscribe(null, handler);
                }
                Subscription real = super.subscribe(options.mutate().leaseTimeout(NEVER_WITHIN_A_TEST).build(),
                        handler);
                return new ForwardingSubscription(real) {
                    @Override
                    public SubscriptionOptions options() {
                        return options;
                    }
                };
            }
        };
    }
}

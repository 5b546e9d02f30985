package io.greenlang.messaging.memory.broken;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Counts fetches instead of hand-overs (issue 14, defect 2), as a backend does that raises the attempt of every
 * record a member took into its in-flight window: once a member of a group died holding messages (it closed with a
 * handler still running, or every handler of it ran past the lease), a first attempt of an older message that
 * another member of the group gets shows attempt 2.
 */
public class RaisesAttemptsOnFetchVariant extends BrokenVariant {
    /** Members by topic/group; the kit never reuses a name, so entries of other tests do not meet. */
    private static final Map<String, Set<Member>> MEMBERS = new ConcurrentHashMap<>();
    /** When a member of a topic/group closed with a handler still running. */
    private static final Map<String, Instant> CLOSED_HOLDING = new ConcurrentHashMap<>();

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
                if (options == null || handler == null) {
                    return super.subscribe(options, handler); // the real broker rejects it
                }
                String key = options.topic() + "/" + options.group();
                Member me = new Member(options);
                MEMBERS.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(me);
                Subscription s = super.subscribe(options, d -> me.run(shown(d, key, me), handler));
                return new ForwardingSubscription(s) {
                    @Override
                    public void close() {
                        super.close();
                        if (me.running() > 0) {
                            CLOSED_HOLDING.putIfAbsent(key, Instant.now());
                        }
                    }
                };
            }
        };
    }

    private static Delivery shown(Delivery d, String key, Member me) {
        Instant died = CLOSED_HOLDING.get(key);
        for (Member other : MEMBERS.getOrDefault(key, Set.of())) {
            Instant stalled = other == me ? null : other.stalledSince();
            if (stalled != null && (died == null || stalled.isBefore(died))) {
                died = stalled;
            }
        }
        if (died == null || d.attempt() != 1 || !d.message().createdAt().isBefore(died)) {
            return d;
        }
        return new ForwardingDelivery(d, d.message()) {
            @Override
            public int attempt() {
                return 2;
            }
        };
    }
}

package io.greenlang.messaging.memory.broken;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.SubscriptionOptions;

/** One subscription of a broken variant, watching its handler calls: how many run, and since when. */
final class Member {
    final SubscriptionOptions options;
    private final Map<Object, Long> running = new ConcurrentHashMap<>();

    Member(SubscriptionOptions options) {
        this.options = options;
    }

    /** Calls {@code handler} with {@code delivery}, noting that a call runs meanwhile. */
    void run(Delivery delivery, MessageHandler handler) throws Exception {
        Object call = new Object();
        running.put(call, System.nanoTime());
        try {
            handler.handle(delivery);
        } finally {
            running.remove(call);
        }
    }

    int running() {
        return running.size();
    }

    /** When every handler slot had been running past the lease (as a hung member), or {@code null}. */
    Instant stalledSince() {
        if (running.size() < options.concurrency()) {
            return null;
        }
        long latest = running.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long since = latest + options.leaseTimeout().toNanos();
        long ago = System.nanoTime() - since;
        return ago < 0 ? null : Instant.now().minusNanos(ago);
    }
}

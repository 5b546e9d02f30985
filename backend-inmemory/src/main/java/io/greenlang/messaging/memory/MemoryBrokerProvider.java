package io.greenlang.messaging.memory;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.BrokerProvider;
import java.util.Set;

/**
 * Provides {@code memory://} brokers. {@code memory://} alone gives a private broker; {@code memory://name}
 * gives a broker that shares its topics with every other open broker of that name in the JVM. A named
 * store lives while at least one broker on it is open.
 */
public final class MemoryBrokerProvider implements BrokerProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public Set<String> options() {
        return Set.of(MemoryBroker.MAX_RETAINED_MESSAGES);
    }

    @Override
    public Broker create(BrokerConfig config) {
        return new MemoryBroker(config);
    }
}

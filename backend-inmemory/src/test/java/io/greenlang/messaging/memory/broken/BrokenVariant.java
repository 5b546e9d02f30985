package io.greenlang.messaging.memory.broken;

import java.util.Map;
import java.util.UUID;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.BrokerContractTest;
import io.greenlang.messaging.tck.TckTimeouts;

/**
 * The TCK against a {@code memory://} broker wrapped in a broken decorator. One store per test instance,
 * like the real memory TCK test.
 *
 * <p>Deadlines are a third of the configured ones: the in-memory backend is fast, and a broken backend
 * makes some tests wait for their full deadline before they fail.
 */
public abstract class BrokenVariant extends BrokerContractTest {
    /** Fraction of the configured deadlines the variants use. */
    static final double DEADLINE_FRACTION = 0.3;

    private final String name = "broken-" + UUID.randomUUID();

    /** Wraps a working broker in the breakage; called once per broker the TCK asks for. */
    protected abstract Broker decorate(Broker working);

    @Override
    protected final Broker createBroker(Map<String, String> options) {
        return decorate(Brokers.connect("memory://" + name, workingOptions(options)));
    }

    /** The options the working broker gets; a variant that does a check itself may loosen the broker's. */
    protected Map<String, String> workingOptions(Map<String, String> asked) {
        return asked;
    }

    @Override
    protected TckTimeouts createTimeouts() {
        return new TckTimeouts(TckTimeouts.fromEnvironment().factor() * DEADLINE_FRACTION);
    }
}

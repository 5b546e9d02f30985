package io.greenlang.messaging.memory;

import java.util.Map;
import java.util.UUID;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.patterns.PatternsContractTest;

/** The coordination patterns run their contract on the in-memory backend. One store name per test. */
class MemoryPatternsTckTest extends PatternsContractTest {
    private final String name = "tck-patterns-" + UUID.randomUUID();

    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect("memory://" + name, options);
    }
}

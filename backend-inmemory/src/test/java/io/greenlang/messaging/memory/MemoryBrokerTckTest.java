package io.greenlang.messaging.memory;

import java.util.Map;
import java.util.UUID;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.BrokerContractTest;

/** The in-memory backend runs the whole TCK. One store name per test, shared by the test's brokers. */
class MemoryBrokerTckTest extends BrokerContractTest {
    private final String name = "tck-" + UUID.randomUUID();

    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect("memory://" + name, options);
    }
}

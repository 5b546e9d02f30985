package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.BrokerContractTest;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Kafka backend runs the whole TCK against a real Kafka 4.4 broker ({@link SharedKafka}). */
@ExtendWith(SharedKafka.class)
class KafkaBrokerTckTest extends BrokerContractTest {
    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect("kafka://" + SharedKafka.bootstrap(), options);
    }
}

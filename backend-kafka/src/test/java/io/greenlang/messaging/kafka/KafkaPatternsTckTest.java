package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.patterns.PatternsContractTest;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coordination patterns run their contract on the Kafka backend ({@link SharedKafka}), the consumer-group
 * manager scaled to the full 100 consumers. Every Kafka member is a full client (a {@code KafkaConsumer} with its
 * own network and fetcher threads) and every join or leave is a rebalance, so that test takes about two minutes
 * here; with 3 partitions per topic only 3 members of a group get work at a time, the rest wait for partitions.
 */
@ExtendWith(SharedKafka.class)
class KafkaPatternsTckTest extends PatternsContractTest {
    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect("kafka://" + SharedKafka.bootstrap(), options);
    }
}

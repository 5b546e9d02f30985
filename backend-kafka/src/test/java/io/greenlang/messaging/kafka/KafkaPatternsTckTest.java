package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.patterns.PatternsContractTest;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coordination patterns run their contract on the Kafka backend ({@link SharedKafka}).
 *
 * <p>The consumer-group manager is scaled to 12 consumers here, not 100: every Kafka member is a full client (a
 * {@code KafkaConsumer} with its own network thread and connections, and a fetcher thread), every join or leave
 * is a group rebalance, and with 3 partitions per topic only 3 members of a group get work at a time. 12 still
 * exercises members beyond the partition count, which sit idle until partitions free up.
 */
@ExtendWith(SharedKafka.class)
class KafkaPatternsTckTest extends PatternsContractTest {
    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect("kafka://" + SharedKafka.bootstrap(), options);
    }

    @Override
    protected int maxConsumers() {
        return 12;
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.BrokerContractTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole TCK on a master found through three sentinels, every publish confirmed by its replica
 * ({@code replica-acks=1}).
 */
@ExtendWith(RedisServerExtension.class)
class RedisSentinelTckTest extends BrokerContractTest {
    private static String url;

    @BeforeAll
    static void sentinels(@RedisServerExtension.Sentinel String sentinelUrl) {
        url = sentinelUrl;
    }

    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect(url, SentinelSet.withReplicaAcks(options));
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.patterns.PatternsContractTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The coordination patterns' contract on a master found through three sentinels, every publish confirmed by its replica. */
@ExtendWith(RedisServerExtension.class)
class RedisSentinelPatternsTckTest extends PatternsContractTest {
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

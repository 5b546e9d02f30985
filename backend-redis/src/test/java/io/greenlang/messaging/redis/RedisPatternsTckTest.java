package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.patterns.PatternsContractTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The coordination patterns' contract against a standalone Redis. */
@ExtendWith(RedisServerExtension.class)
class RedisPatternsTckTest extends PatternsContractTest {
    private static String url;

    @BeforeAll
    static void server(String redisUrl) {
        url = redisUrl;
    }

    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect(url, options);
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.BrokerContractTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole TCK against a standalone Redis (its own, or {@value RedisServers#URL_ENV}). */
@ExtendWith(RedisServerExtension.class)
class RedisBrokerTckTest extends BrokerContractTest {
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

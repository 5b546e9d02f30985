package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.tck.BrokerContractTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole TCK against a 3-master Redis Cluster started for this class. */
@ExtendWith(RedisServerExtension.class)
class RedisClusterTckTest extends BrokerContractTest {
    private static String url;

    @BeforeAll
    static void cluster(@RedisServerExtension.Cluster String clusterUrl) {
        url = clusterUrl;
    }

    @Override
    protected Broker createBroker(Map<String, String> options) {
        return Brokers.connect(url, options);
    }
}

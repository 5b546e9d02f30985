package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.BrokerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the Spring Data Redis peer")
class SpringDataRedisPeerTest {
    private static RedisTestServer server;
    private static RedisClient client;

    @BeforeAll
    static void startRedis() {
        server = RedisTestServer.start();
        client = RedisClient.create(server.url());
    }

    @AfterAll
    static void stopRedis() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("is the peer for redis:// and rediss://, beside the raw Lettuce baseline")
    void found() {
        assertThat(Baselines.forScheme("redis", "peer")).get().isInstanceOf(SpringDataRedisPeerProvider.class);
        assertThat(Baselines.forScheme("rediss", "peer")).get().isInstanceOf(SpringDataRedisPeerProvider.class);
        assertThat(Baselines.forScheme("redis")).get().isInstanceOf(LettuceBaselineProvider.class);
        assertThat(new SpringDataRedisPeerProvider().description()).startsWith("Spring Data Redis");
    }

    @Test
    @DisplayName("hands every payload to one of two consumers, acknowledges each, and deletes its stream")
    void roundTrip() {
        try (StatefulRedisConnection<String, String> c = client.connect();
                BenchTarget target = new SpringDataRedisPeerProvider().create(BrokerConfig.parse(server.url()))) {
            RedisCommands<String, String> redis = c.sync();
            assertThat(target.label()).isEqualTo("peer");

            PeerRoundTrip.run(target, "round-trip", 2, () -> {
                List<String> keys = redis.keys("glm-bench-peer:*:round-trip");
                return keys.size() == 1 && redis.xlen(keys.get(0)) == PeerRoundTrip.TOTAL
                        && redis.xpending(keys.get(0), "bench").getCount() == 0;
            });

            assertThat(redis.keys("glm-bench-peer:*")).as("peer streams deleted").isEmpty();
        }
    }
}

package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.BrokerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the Lettuce baseline")
class LettuceBaselineTest {
    private static RedisTestServer server;

    @BeforeAll
    static void startRedis() {
        server = RedisTestServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("is found for redis:// and rediss://, and measures every scenario beside the library")
    void everyScenario() {
        assertThat(Baselines.forScheme("redis")).get().isInstanceOf(LettuceBaselineProvider.class);
        assertThat(Baselines.forScheme("rediss")).get().isInstanceOf(LettuceBaselineProvider.class);
        assertThat(Baselines.forScheme("kafka")).get().isInstanceOf(KafkaClientsBaselineProvider.class);

        BenchReport report = Benchmark.run(BenchConfig.builder(BrokerConfig.parse(server.url()))
                .payloadSizes(List.of(100))
                .messages(2000)
                .batchSize(50)
                .repeat(1)
                .warmup(false)
                .rate(2000)
                .latencyDuration(Duration.ofMillis(300))
                .latencyWarmup(Duration.ZERO)
                .heapMessages(2000)
                .heapSampleInterval(Duration.ofMillis(20))
                .build(), BenchProgress.none());

        assertThat(report.baselines().get("raw")).startsWith("Lettuce XADD");
        assertThat(report.baselines().get("raw+hash")).startsWith("Lettuce XADD").contains("SHA-256");
        assertThat(report.measurements()).extracting(Measurement::scenario).containsOnly(Scenario.values());
        // 9 throughput figures, 4 latency percentiles, 2 heap figures, 2 of the chain
        assertThat(report.measurements()).hasSize(9 + 4 + 2 + 2);
        for (Measurement m : report.measurements()) {
            if (m.scenario() == Scenario.CHAIN) {
                assertThat(m.library().median()).as(m.toString()).isPositive();
                assertThat(m.baselines()).as(m.toString()).isEmpty();
            } else if (m.scenario() != Scenario.HEAP) {
                assertThat(m.library().median()).as(m.toString()).isPositive();
                assertThat(m.baselines().keySet()).as(m.toString()).contains("raw", "raw+hash");
                m.baselines().values().forEach(f -> assertThat(f.median()).as(m.toString()).isPositive());
            } else {
                assertThat(m.baselines().keySet()).as(m.toString()).contains("raw", "raw+hash");
            }
        }
        RedisClient client = RedisClient.create(server.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().keys("glm-bench-raw:*")).as("raw streams deleted").isEmpty();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}

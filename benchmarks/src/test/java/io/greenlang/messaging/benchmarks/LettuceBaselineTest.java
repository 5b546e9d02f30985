package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.BrokerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the Lettuce baseline")
class LettuceBaselineTest {
    private static Process server;
    private static int port;

    @BeforeAll
    static void startRedis() throws Exception {
        for (int attempt = 0; attempt < 5 && server == null; attempt++) {
            int p = freePort();
            Process proc = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(p),
                    "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (awaitPing(proc, p)) {
                server = proc;
                port = p;
            } else {
                proc.destroyForcibly().waitFor(5, TimeUnit.SECONDS); // the port was taken meanwhile: retry
            }
        }
        assertThat(server).as("redis-server started").isNotNull();
        Process started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (server != null) {
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean awaitPing(Process proc, int p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + p);
        try {
            while (System.nanoTime() < deadline && proc.isAlive()) {
                try (StatefulRedisConnection<String, String> c = client.connect()) {
                    if ("PONG".equals(c.sync().ping())) {
                        return true;
                    }
                } catch (RuntimeException notYet) {
                    Thread.sleep(20); // an external process: polled until the deadline
                }
            }
            return false;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    @DisplayName("is found for redis:// and rediss://, and measures every scenario beside the library")
    void everyScenario() {
        assertThat(Baselines.forScheme("redis")).get().isInstanceOf(LettuceBaselineProvider.class);
        assertThat(Baselines.forScheme("rediss")).get().isInstanceOf(LettuceBaselineProvider.class);
        assertThat(Baselines.forScheme("kafka")).get().isInstanceOf(KafkaClientsBaselineProvider.class);

        BenchReport report = Benchmark.run(BenchConfig.builder(BrokerConfig.parse("redis://127.0.0.1:" + port))
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
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().keys("glm-bench-raw:*")).as("raw streams deleted").isEmpty();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}

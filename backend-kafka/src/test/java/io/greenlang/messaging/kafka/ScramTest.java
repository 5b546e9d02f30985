package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.tck.logging.TraceLogCheck;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL/SCRAM against a broker configured for it (its client listener is SASL_PLAINTEXT with SCRAM-SHA-256 and
 * SCRAM-SHA-512; the user is created when the storage is formatted). Secrets never show in exception messages,
 * {@code toString()}, the broker's name, metric tags or the client's logs.
 */
class ScramTest {
    private static final String PASSWORD = "s3cret-Pa55word-" + UUID.randomUUID();
    private static KafkaTestCluster cluster;

    @BeforeAll
    static void startSecuredBroker() {
        cluster = KafkaTestCluster.start(KafkaTestCluster.Options.scram(PASSWORD));
    }

    @AfterAll
    static void stopSecuredBroker() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void scramSha256FromTheUrlPublishesAndConsumes() {
        String url = "kafka://" + KafkaTestCluster.SCRAM_USER + ":" + PASSWORD + "@" + cluster.bootstrap()
                + "?sasl.mechanism=SCRAM-SHA-256";
        roundTrip(Brokers.connect(url));
    }

    @Test
    void scramSha512FromOptionsPublishesAndConsumes() {
        roundTrip(Brokers.connect("kafka://" + cluster.bootstrap(), Map.of("sasl.username", KafkaTestCluster.SCRAM_USER,
                "sasl.password", PASSWORD)));
    }

    private void roundTrip(Broker broker) {
        try (broker) {
            assertNoSecret(broker.name());
            assertNoSecret(broker.toString());
            Health health = broker.health();
            assertThat(health.isUp()).as("health of %s: %s", broker.name(), health.details()).isTrue();
            assertNoSecret(health.toString());
            String topic = "scram-" + UUID.randomUUID();
            Set<String> got = ConcurrentHashMap.newKeySet();
            broker.subscribe(topic, "scram-group", d -> got.add(d.message().id()));
            Message m = Message.builder(topic).text("over SCRAM").build();
            broker.publish(m);
            Awaitility.await("the message over SCRAM").atMost(Duration.ofSeconds(30)).until(() -> got.contains(m.id()));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ((KafkaBroker) broker).bindTo(registry);
            for (Meter meter : registry.getMeters()) {
                assertNoSecret(meter.getId().toString());
            }
        }
    }

    @Test
    void aWrongPasswordFailsWithoutShowingIt() {
        String wrong = "wrong-" + PASSWORD;
        String url = "kafka://" + KafkaTestCluster.SCRAM_USER + ":" + wrong + "@" + cluster.bootstrap()
                + "?sasl.mechanism=SCRAM-SHA-256&request-timeout=10s";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Throwable thrown;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Brokers.connect(url).close());
        } finally {
            System.setErr(original);
        }
        assertThat(thrown).isInstanceOf(AuthenticationException.class);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain(PASSWORD);
            assertThat(t.toString()).doesNotContain(PASSWORD);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).as("what the client logged").doesNotContain(PASSWORD);
    }

    @Test
    void thePasswordAppearsInNoLogLineEvenAtTrace() {
        String url = "kafka://" + KafkaTestCluster.SCRAM_USER + ":" + PASSWORD + "@" + cluster.bootstrap()
                + "?sasl.mechanism=SCRAM-SHA-256";
        TraceLogCheck.assertNoSecretAtTrace(url, List.of(PASSWORD), "org.apache.kafka", Duration.ofMinutes(3));
    }

    @Test
    void noCredentialsOnASaslListenerIsAClearConfigurationError() {
        assertThatThrownBy(() -> Brokers.connect("kafka://" + cluster.bootstrap() + "?security.protocol=SASL_PLAINTEXT"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("user name and password");
    }

    @Test
    void secretOptionsNeverShowInConfigurationMessages() {
        BrokerConfig config = BrokerConfig.builder("kafka://" + KafkaTestCluster.SCRAM_USER + ":" + PASSWORD + "@"
                + cluster.bootstrap()).option("ssl.truststore.password", PASSWORD).option("acks", "sometimes").build();
        assertNoSecret(config.toString());
        assertThatThrownBy(() -> new KafkaSettings(config)).isInstanceOf(MessagingException.class)
                .satisfies(e -> assertNoSecret(e.getMessage()));
        KafkaSettings ok = new KafkaSettings(config.mutate().option("acks", "all").build());
        assertNoSecret(ok.toString());
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(PASSWORD);
    }
}

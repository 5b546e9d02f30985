package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.Message;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS: a broker whose client listener is SSL with a self-signed certificate for 127.0.0.1. */
class TlsTest {
    private static KafkaTestCluster cluster;

    @BeforeAll
    static void startTlsBroker() {
        cluster = KafkaTestCluster.start(KafkaTestCluster.Options.withTls());
    }

    @AfterAll
    static void stopTlsBroker() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aTrustStoreOptionConnectsOverTls() {
        Map<String, String> tls = Map.of("ssl.truststore.location", cluster.trustStore().toString(),
                "ssl.truststore.password", KafkaTestCluster.STORE_PASSWORD, "ssl.truststore.type", "PKCS12");
        try (Broker broker = Brokers.connect("kafka://" + cluster.bootstrap(), tls)) {
            assertThat(broker.health().details()).containsEntry("security-protocol", "SSL");
            assertThat(broker.toString()).doesNotContain(KafkaTestCluster.STORE_PASSWORD);
            String topic = "tls-" + UUID.randomUUID();
            Set<String> got = ConcurrentHashMap.newKeySet();
            broker.subscribe(topic, "tls-group", d -> got.add(d.message().id()));
            Message m = Message.builder(topic).text("over TLS").build();
            broker.publish(m);
            Awaitility.await("the message over TLS").atMost(Duration.ofSeconds(30)).until(() -> got.contains(m.id()));
        }
    }

    @Test
    void withoutTheTrustStoreTheHandshakeFails() {
        assertThatThrownBy(() -> Brokers.connect("kafka://" + cluster.bootstrap()
                + "?security.protocol=SSL&request-timeout=5s").close())
                .isInstanceOf(MessagingException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KafkaTestCluster.STORE_PASSWORD));
    }
}

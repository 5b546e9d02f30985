package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConfigurationException;
import java.time.Duration;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {
    @Test
    void defaults() {
        KafkaSettings s = new KafkaSettings(BrokerConfig.parse("kafka://h1,h2:9093"));
        assertThat(s.bootstrapServers()).isEqualTo("h1:9092,h2:9093");
        assertThat(s.partitions()).isEqualTo(3);
        assertThat(s.acks()).isEqualTo("all");
        assertThat(s.linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(s.batchSize()).isEqualTo(64 * 1024);
        assertThat(s.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(s.securityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(s.replicationFactor()).isEmpty();
    }

    @Test
    void credentialsInTheUrlSelectSaslScramAndStayHidden() {
        KafkaSettings s = new KafkaSettings(BrokerConfig.parse("kafka://app:top-secret@h1:9092?ssl.truststore.location=/t.jks"));
        assertThat(s.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(s.clientProperties().get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
        Object jaas = s.clientProperties().get("sasl.jaas.config");
        assertThat(jaas).isInstanceOf(Password.class);
        assertThat(jaas.toString()).isEqualTo("[hidden]");
        assertThat(((Password) jaas).value()).contains("username=\"app\"").contains("password=\"top-secret\"");
        assertThat(s.toString()).doesNotContain("top-secret");
    }

    @Test
    void unknownAndInvalidOptionsFailClearly() {
        assertThatThrownBy(() -> Brokers.connect("kafka://h?partitons=3")) // checked before the backend is created
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'partitons'")
                .hasMessageContaining("did you mean 'partitions'?");
        assertThatThrownBy(() -> new KafkaSettings(BrokerConfig.parse("kafka://h?acks=2")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("acks");
        assertThatThrownBy(() -> new KafkaSettings(BrokerConfig.parse("kafka://h?consumer-mode=share")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("classic");
        assertThatThrownBy(() -> new KafkaSettings(BrokerConfig.parse("kafka://")))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void sessionTimeoutDefaultsToTenSecondsAndIsBounded() {
        KafkaSettings defaults = new KafkaSettings(BrokerConfig.parse("kafka://h"));
        assertThat(defaults.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.sessionTimeoutGiven()).isFalse();
        KafkaSettings given = new KafkaSettings(BrokerConfig.parse("kafka://h?session-timeout=3s"));
        assertThat(given.sessionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(given.sessionTimeoutGiven()).isTrue();
        assertThatThrownBy(() -> new KafkaSettings(BrokerConfig.parse("kafka://h?session-timeout=500ms")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("session-timeout")
                .hasMessageContaining("1s to 30m");
        assertThatThrownBy(() -> new KafkaSettings(BrokerConfig.parse("kafka://h?session-timeout=1h")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("session-timeout");
        assertThatThrownBy(() -> Brokers.connect("kafka://h?session-timout=3s"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("did you mean 'session-timeout'?");
    }

    @Test
    void passThroughPropertiesReachTheClients() {
        KafkaSettings s = new KafkaSettings(BrokerConfig.parse("kafka://h?kafka.client.dns.lookup=use_all_dns_ips"));
        assertThat(s.clientProperties()).containsEntry("client.dns.lookup", "use_all_dns_ips");
    }
}

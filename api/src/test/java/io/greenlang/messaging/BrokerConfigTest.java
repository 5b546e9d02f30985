package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
    @Test
    void parsesUserPasswordHostsPathAndQuery() {
        BrokerConfig c = BrokerConfig.parse("redis://app:s%40cret@localhost:6379/0?codec=msgpack&max-message-size=512KiB");

        assertThat(c.scheme()).isEqualTo("redis");
        assertThat(c.username()).contains("app");
        assertThat(c.password()).contains("s@cret");
        assertThat(c.hosts()).containsExactly("localhost:6379");
        assertThat(c.path()).isEqualTo("0");
        assertThat(c.codec()).isEqualTo("msgpack");
        assertThat(c.maxMessageSize()).isEqualTo(512 * 1024);
    }

    @Test
    void parsesSeveralHosts() {
        BrokerConfig c = BrokerConfig.parse("kafka://h1:9092,h2:9093");

        assertThat(c.hosts()).isEqualTo(List.of("h1:9092", "h2:9093"));
        assertThat(c.username()).isEmpty();
    }

    @Test
    void defaultsAreOneMebibyteJsonAndSevenDays() {
        BrokerConfig c = BrokerConfig.parse("memory://");

        assertThat(c.hosts()).isEmpty();
        assertThat(c.codec()).isEqualTo("json");
        assertThat(c.maxMessageSize()).isEqualTo(1024 * 1024);
        assertThat(c.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void explicitOptionsWinOverQueryParameters() {
        BrokerConfig c = BrokerConfig.builder("memory://?codec=json").option("codec", "msgpack").build();

        assertThat(c.codec()).isEqualTo("msgpack");
    }

    @Test
    void secretsNeverAppearInToStringOrRedactedUrl() {
        BrokerConfig c = BrokerConfig.builder("redis://app:hunter2@localhost:6379")
                .option("sasl.jaas.config", "password=\"topsecret\"")
                .option("ssl.truststore.password", "alsosecret")
                .build();

        assertThat(c.redactedUrl()).isEqualTo("redis://app:***@localhost:6379");
        assertThat(c.toString()).doesNotContain("hunter2", "topsecret", "alsosecret");
    }

    @Test
    void invalidSecretOptionIsReportedWithoutItsValue() {
        BrokerConfig c = BrokerConfig.builder("memory://").option("token-size", "hunter2").build();

        assertThatThrownBy(() -> c.intOption("token-size", 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void durationsAcceptUnitsAndIso8601() {
        BrokerConfig c = BrokerConfig.builder("memory://")
                .option("a", "500ms").option("b", "30s").option("c", "5m").option("d", "12h").option("e", "7d")
                .option("f", "PT1M30S").build();

        assertThat(c.durationOption("a", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(c.durationOption("b", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.durationOption("c", null)).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.durationOption("d", null)).isEqualTo(Duration.ofHours(12));
        assertThat(c.durationOption("e", null)).isEqualTo(Duration.ofDays(7));
        assertThat(c.durationOption("f", null)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void badValuesSayWhatWasExpected() {
        assertThatThrownBy(() -> BrokerConfig.builder("memory://").option("retention", "forever").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Option 'retention'")
                .hasMessageContaining("'forever'")
                .hasMessageContaining("expected a duration");
        assertThatThrownBy(() -> BrokerConfig.parse("localhost:6379"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no scheme");
        assertThatThrownBy(() -> BrokerConfig.parse("redis://bad host"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("invalid host 'bad host'");
    }

    @Test
    void invalidUrlErrorsHideThePassword() {
        assertThatThrownBy(() -> BrokerConfig.parse("redis://u:pw/x@bad host"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("pw");
    }

    @Test
    void readsEnvironmentVariables() {
        BrokerConfig c = BrokerConfig.fromEnvironment(Map.of(
                "GREENLANG_MESSAGING_URL", "redis://localhost:6379",
                "GREENLANG_MESSAGING_USERNAME", "app",
                "GREENLANG_MESSAGING_PASSWORD", "pw",
                "GREENLANG_MESSAGING_MAX_MESSAGE_SIZE", "2MiB",
                "GREENLANG_MESSAGING_TLS__TRUST_CERT", "/etc/ca.pem",
                "PATH", "/usr/bin"));

        assertThat(c.username()).contains("app");
        assertThat(c.password()).contains("pw");
        assertThat(c.maxMessageSize()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.option("tls.trust-cert")).contains("/etc/ca.pem");
        assertThat(c.options()).containsOnlyKeys("max-message-size", "tls.trust-cert");
    }

    @Test
    void missingEnvironmentUrlSaysWhatToSet() {
        assertThatThrownBy(() -> BrokerConfig.fromEnvironment(Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GREENLANG_MESSAGING_URL is not set");
    }

    @Test
    void mutateKeepsEverything() {
        BrokerConfig c = BrokerConfig.parse("redis://app:pw@h:1/2?x=y");

        assertThat(c.mutate().build()).isEqualTo(c);
    }
}

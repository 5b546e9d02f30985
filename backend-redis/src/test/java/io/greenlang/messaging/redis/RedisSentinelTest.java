package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code redis-sentinel://}: what health says, and clear errors for what is set up wrong. */
@DisplayName("Redis Sentinel")
class RedisSentinelTest {
    private static SentinelSet set;

    @BeforeAll
    static void start() {
        set = SentinelSet.start();
    }

    @AfterAll
    static void stop() {
        set.close();
    }

    @Test
    @DisplayName("health names the mode, the master's name and the server it is on")
    void healthNamesTheMaster() {
        try (Broker broker = Brokers.connect(set.url())) {
            Map<String, String> details = broker.health().details();
            assertThat(details).containsEntry("mode", "sentinel").containsEntry("master-name", SentinelSet.MASTER_NAME)
                    .containsEntry("master", "127.0.0.1:" + set.masterPort());
        }
    }

    @Test
    @DisplayName("no sentinel answers: ConnectionException naming the sentinels, within the connect timeout")
    void noSentinelAnswers() {
        String url = "redis-sentinel://127.0.0.1:" + RedisServers.freePort() + ",127.0.0.1:" + RedisServers.freePort()
                + "?master=" + SentinelSet.MASTER_NAME;
        long start = System.nanoTime();
        assertThatThrownBy(() -> Brokers.connect(url, Map.of("connect-timeout", "2s")))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("sentinel")
                .hasMessageContaining(SentinelSet.MASTER_NAME);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("a master name the sentinels do not know: ConnectionException naming it")
    void unknownMasterName() {
        String url = set.url().replace("master=" + SentinelSet.MASTER_NAME, "master=no-such-master");
        assertThatThrownBy(() -> Brokers.connect(url, Map.of("connect-timeout", "2s")))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("'no-such-master'")
                .hasMessageContaining("SENTINEL get-master-addr-by-name");
    }

    @Test
    @DisplayName("no master name: ConfigurationException saying how to give one")
    void noMasterName() {
        String url = set.url().substring(0, set.url().indexOf('?'));
        assertThatThrownBy(() -> Brokers.connect(url)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("?master=NAME");
    }

    @Test
    @DisplayName("a wrong sentinel password: AuthenticationException naming option sentinel.password, never the password")
    void wrongSentinelPassword() {
        RedisServers.RedisProcess guarded = RedisServers.sentinel(config -> write(config, List.of(
                "sentinel monitor " + SentinelSet.MASTER_NAME + " 127.0.0.1 " + set.masterPort() + " 2",
                "requirepass sentinel-secret")));
        try {
            String url = "redis-sentinel://127.0.0.1:" + guarded.port() + "?master=" + SentinelSet.MASTER_NAME;
            assertThatThrownBy(() -> Brokers.connect(url, Map.of("sentinel.password", "wrong-secret",
                    "connect-timeout", "2s")))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("sentinel.password")
                    .satisfies(e -> assertThat(TestSupport.allMessages(e)).doesNotContain("wrong-secret"));
            try (Broker broker = Brokers.connect(url, Map.of("sentinel.password", "sentinel-secret"))) {
                assertThat(broker.health().details()).containsEntry("master", "127.0.0.1:" + set.masterPort());
            }
        } finally {
            guarded.close();
        }
    }

    @Test
    @DisplayName("replica-acks higher than the master's replicas: the connect fails naming both")
    void moreReplicaAcksThanReplicas() {
        assertThatThrownBy(() -> Brokers.connect(set.url(), Map.of("replica-acks", "2")))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("replica-acks=2")
                .hasMessageContaining("1 connected replica");
    }

    @Test
    @DisplayName("with replica-acks, a publish the replica does not confirm in time fails as an unknown outcome")
    void unconfirmedPublishFails() {
        RedisServers.RedisProcess replica = set.dataNodes().stream().filter(n -> n.port() != set.masterPort())
                .findFirst().orElseThrow();
        try (Broker broker = Brokers.connect(set.url(), Map.of("replica-acks", "1", "replica-ack-timeout", "300ms"))) {
            broker.publish(Message.builder("acks").text("confirmed").build());
            replica.suspend();
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> broker.publish(Message.builder("acks").text("not confirmed").build()))
                        .isInstanceOf(MessagingTimeoutException.class)
                        .hasMessageContaining("no replica confirmed it (WAIT waits up to 300ms");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            } finally {
                replica.resume();
            }
            TestSupport.await("publishes confirmed again once the replica is back").ignoreExceptions()
                    .until(() -> broker.publish(Message.builder("acks").text("again").build()) != null);
        }
    }

    @Test
    @DisplayName("replica-acks on a plain redis:// master with a replica: confirmed when the replica has it")
    void replicaAcksOnAStandaloneMaster() {
        int masterPort = set.masterPort();
        RedisServers.RedisProcess replica = set.dataNodes().stream().filter(n -> n.port() != masterPort).findFirst()
                .orElseThrow();
        try (Broker broker = Brokers.connect("redis://127.0.0.1:" + masterPort, Map.of("replica-acks", "1",
                "replica-ack-timeout", "300ms"))) {
            io.greenlang.messaging.PublishResult stored = broker.publish(Message.builder("plain-acks").text("m").build());
            assertThat(RedisServers.command(replica.port(), "XLEN glm:{plain-acks}:b1")).as("on the replica")
                    .isEqualTo(":1");
            assertThat(stored.position()).isNotNull();
            replica.suspend();
            try {
                assertThatThrownBy(() -> broker.publish(Message.builder("plain-acks").text("not confirmed").build()))
                        .isInstanceOf(MessagingTimeoutException.class).hasMessageContaining("no replica confirmed it");
            } finally {
                replica.resume();
            }
        }
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:" + masterPort, Map.of("replica-acks", "2")))
                .isInstanceOf(ConnectionException.class).hasMessageContaining("at 127.0.0.1:" + masterPort)
                .hasMessageContaining("1 connected replica");
    }

    @Test
    @DisplayName("Sentinel and replica-acks options are checked before any I/O, and secrets never shown")
    void optionsAreValidated() {
        String url = "redis-sentinel://127.0.0.1:1?master=m";
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:1", Map.of("master", "m")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("redis-sentinel://");
        assertThatThrownBy(() -> Brokers.connect(url, Map.of("sentinel.username", "s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sentinel.password");
        assertThatThrownBy(() -> Brokers.connect(url, Map.of("replica-acks", "-1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("replica-acks");
        assertThatThrownBy(() -> Brokers.connect(url, Map.of("replica-ack-timeout", "2s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no effect without option replica-acks");
        assertThatThrownBy(() -> Brokers.connect(url, Map.of("replica-acks", "1", "replica-ack-timeout", "20s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("shorter than command-timeout");
        assertThatThrownBy(() -> Brokers.connect("redis-sentinel://h1:26379,h2:26379/x?master=m"))
                .isInstanceOf(ConfigurationException.class);
        RedisSettings settings = RedisSettings.from(io.greenlang.messaging.BrokerConfig.builder(
                "rediss-sentinel://app:data-secret@h1,h2:26380/2?master=m").option("sentinel.password", "sentinel-secret")
                .build());
        assertThat(settings.endpointsForMessages()).isEqualTo("h1:26379,h2:26380");
        assertThat(settings.tls()).isTrue();
        assertThat(settings.database()).isEqualTo(2);
        assertThat(settings.toString()).doesNotContain("data-secret").doesNotContain("sentinel-secret");
        assertThat(settings.secrets()).contains("data-secret", "sentinel-secret");
        assertThat(Brokers.availableSchemes()).contains("redis-sentinel", "rediss-sentinel");
    }

    private static void write(java.nio.file.Path file, List<String> lines) {
        try {
            java.nio.file.Files.write(file, lines);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

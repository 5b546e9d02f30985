package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss-sentinel://}: a master, its replica and three sentinels that all speak TLS only, with one
 * certificate for {@code localhost} and {@code 127.0.0.1} trusted through {@code tls.trust-cert}. The URL names
 * the sentinels as {@code localhost}; the sentinels name the master as {@code 127.0.0.1}, which the default
 * {@code tls.verify-peer=full} checks against the certificate's IP address entry.
 */
@DisplayName("Redis Sentinel over TLS")
class RedisSentinelTlsTest {
    private static final Duration FAILOVER = Duration.ofSeconds(30);
    private SentinelSet set;

    @AfterEach
    void stop() {
        if (set != null) {
            set.close();
        }
    }

    @Test
    @DisplayName("publishes and consumes through TLS sentinels, and health names the master and TLS")
    void publishesAndConsumes() {
        set = SentinelSet.startTls();
        try (Broker broker = connect()) {
            assertThat(broker.health().details()).containsEntry("mode", "sentinel").containsEntry("tls", "true")
                    .containsEntry("master-name", SentinelSet.MASTER_NAME)
                    .containsEntry("master", "127.0.0.1:" + set.masterPort());
            roundTrip(broker, "before any failover");
        }
    }

    @Test
    @DisplayName("follows a failover: once the killed master's replica is promoted, publishes and deliveries go on "
            + "over TLS, and health names the new master")
    void followsAFailover() {
        set = SentinelSet.startTls();
        try (Broker broker = connect()) {
            roundTrip(broker, "before the failover");
            RedisServers.RedisProcess old = set.master();
            long killed = System.nanoTime();
            old.kill();
            int promoted = set.awaitMasterOtherThan(old.port(), FAILOVER);
            long promotedAt = System.nanoTime();
            TestSupport.await("a publish on the promoted master", FAILOVER).ignoreExceptions()
                    .until(() -> broker.publish(Message.builder("tls-after").text("x").build()) != null);
            System.out.println("sentinel over TLS: master killed, replica promoted after "
                    + Duration.ofNanos(promotedAt - killed).toMillis() + " ms, first publish confirmed after "
                    + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms");
            assertThat(broker.health().details()).containsEntry("master", "127.0.0.1:" + promoted);
            roundTrip(broker, "after the failover");
        }
    }

    private Broker connect() {
        return Brokers.connect(set.url(), Map.of(RedisSettings.TLS_TRUST_CERT, set.cert().toString()));
    }

    private static void roundTrip(Broker broker, String text) {
        String topic = "sentinel-tls-" + System.nanoTime();
        TestSupport.Handled handled = new TestSupport.Handled();
        try (Subscription sub = broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled)) {
            assertThat(sub.isActive()).isTrue();
            Message m = Message.builder(topic).text(text).build();
            broker.publish(m);
            TestSupport.await("the message to arrive over TLS").until(() -> handled.has(m.id()));
            assertThat(handled.first(m.id()).message().payloadAsString()).isEqualTo(text);
        }
    }
}

package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.SubscriptionOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** TLS: {@code rediss://} with a certificate made for the run, trusted through each of the options. */
@DisplayName("TLS connections trust what they are told to, and nothing else")
class RedisTlsTest {
    private static RedisServers.RedisProcess server;
    private static RedisServers.RedisProcess mutualServer;

    @BeforeAll
    static void start() {
        server = RedisServers.tls();
        mutualServer = RedisServers.tls();
        mutualServer.stop();
        // the same server again, but demanding a client certificate
        mutualServer = restartedWith(mutualServer, "--tls-auth-clients", "yes");
    }

    private static RedisServers.RedisProcess restartedWith(RedisServers.RedisProcess base, String... extra) {
        return RedisServers.tlsWith(base.dir(), extra);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (mutualServer != null) {
            mutualServer.close();
        }
    }

    private static String cert(RedisServers.RedisProcess s) {
        return s.dir().resolve("cert.pem").toString();
    }

    @Test
    @DisplayName("rediss:// with tls.trust-cert (PEM) publishes, consumes and reports TLS in its health")
    void publishesAndConsumesTrustingAPemCertificate() {
        try (Broker broker = Brokers.connect(server.url(), Map.of("tls.trust-cert", cert(server)))) {
            Health health = broker.health();
            assertThat(health.isUp()).as("health over TLS: %s", health).isTrue();
            assertThat(health.details()).containsEntry("tls", "true");
            roundTrip(broker);
        }
    }

    @Test
    @DisplayName("tls.trust-store (PKCS#12) with its password works, and the password shows nowhere")
    void trustStoreWithPassword() throws Exception {
        Path store = server.dir().resolve("trust.p12");
        String storePassword = "store-secret-4711";
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-importcert", "-noprompt", "-alias", "redis", "-file", cert(server), "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", storePassword).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool: %s", out).isTrue();

        try (Broker broker = Brokers.connect(server.url(), Map.of("tls.trust-store", store.toString(),
                "tls.trust-store-password", storePassword))) {
            roundTrip(broker);
            assertThat(broker.toString() + broker.name() + broker.health().details()).doesNotContain(storePassword);
        }
    }

    @Test
    @DisplayName("a server certificate nobody said to trust is a clear ConnectionException")
    void untrustedCertificateIsRefused() {
        assertThatThrownBy(() -> Brokers.connect(server.url(), Map.of("connect-timeout", "5s")))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("localhost:" + server.port())
                .hasMessageContaining("certificate");
    }

    @Test
    @DisplayName("tls.verify-peer=none connects without trusting the certificate (encryption only)")
    void verifyPeerNone() {
        try (Broker broker = Brokers.connect(server.url(), Map.of("tls.verify-peer", "none"))) {
            assertThat(broker.health().isUp()).isTrue();
        }
    }

    @Test
    @DisplayName("a server that demands client certificates accepts tls.client-cert and tls.client-key, and refuses a "
            + "client without")
    void clientCertificate() {
        assertThatThrownBy(() -> {
            try (Broker b = Brokers.connect(mutualServer.url(), Map.of("tls.trust-cert", cert(mutualServer),
                    "connect-timeout", "5s"))) {
                b.publish(Message.builder("tls-mutual").text("x").build());
            }
        }).isInstanceOf(ConnectionException.class);
        try (Broker broker = Brokers.connect(mutualServer.url(), Map.of("tls.trust-cert", cert(mutualServer),
                "tls.client-cert", cert(mutualServer), "tls.client-key",
                mutualServer.dir().resolve("key.pem").toString()))) {
            roundTrip(broker);
        }
    }

    @Test
    @DisplayName("TLS options on a plain redis:// URL are a configuration error, before any I/O")
    void tlsOptionsNeedTls() {
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:" + server.port(),
                Map.of("tls.trust-cert", cert(server)))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rediss://");
    }

    private static void roundTrip(Broker broker) {
        String topic = "tls-" + System.nanoTime();
        TestSupport.Handled handled = new TestSupport.Handled();
        try (var sub = broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled)) {
            assertThat(sub.isActive()).isTrue();
            Message m = Message.builder(topic).text("over TLS").build();
            broker.publish(m);
            TestSupport.await("the message to arrive over TLS").until(() -> handled.has(m.id()));
            assertThat(handled.first(m.id()).message().payloadAsString()).isEqualTo("over TLS");
            assertThat(broker.read(topic, Position.beginning(), 10)).extracting(r -> r.message().id())
                    .isEqualTo(List.of(m.id()));
        }
    }
}

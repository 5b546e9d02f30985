package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.tck.logging.TraceLogCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ACL users and passwords: allowed work succeeds, a missing permission and a wrong password are clear
 * {@link AuthenticationException}s, and the password shows in no message, log line, {@code toString()} or health
 * detail.
 */
@DisplayName("ACL users, passwords and secrets")
class RedisSecurityTest {
    private static final String PASSWORD = "S3cret-pa55word-for-app";
    private static final String READER_PASSWORD = "reader-Pa55-secret";
    private static RedisServers.RedisProcess server;
    private final List<Broker> brokers = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = RedisServers.standalone();
        acl("SETUSER", "app", "on", ">" + PASSWORD, "~app:*", "+@stream", "+@sortedset", "+@scripting", "+ping",
                "+del", "+info");
        acl("SETUSER", "reader", "on", ">" + READER_PASSWORD, "~app:*", "+@read", "+ping", "+@scripting");
    }

    private static void acl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("-p", Integer.toString(server.port()), "ACL"));
        cmd.addAll(List.of(args));
        assertThat(RedisServers.cli(cmd).trim()).isEqualTo("OK");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeBrokers() {
        TestSupport.closeAll(brokers);
    }

    private Broker connect(String url, Map<String, String> options) {
        Broker b = Brokers.connect(url, options);
        brokers.add(b);
        return b;
    }

    private String url(String user, String password) {
        return "redis://" + user + ":" + password + "@127.0.0.1:" + server.port();
    }

    @Test
    @DisplayName("an ACL user restricted to app:* keys works with key-prefix=app")
    void allowedUserWorks() {
        Broker broker = connect(url("app", PASSWORD), Map.of("key-prefix", "app"));
        assertThat(broker.health().isUp()).isTrue();
        TestSupport.Handled handled = new TestSupport.Handled(d -> {
            if (d.attempt() == 1) {
                throw new IllegalStateException("fail once, to exercise the retry scripts");
            }
        });
        Subscription sub = broker.subscribe(SubscriptionOptions.builder("acl-ok", "g").build(), handled);
        Message m = Message.builder("acl-ok").text("allowed").build();
        broker.publish(m);
        TestSupport.await("the message, retried once").until(() -> handled.count(m.id()) == 2);
        sub.close();
        assertThat(broker.lag("acl-ok", "g").total()).isZero();
        assertThat(broker.deadLetters("acl-ok", "g").count()).isZero();
    }

    @Test
    @DisplayName("keys outside the user's pattern fail with AuthenticationException naming user and permission")
    void forbiddenKeysAreAnAuthenticationError() {
        Broker broker = connect(url("app", PASSWORD), Map.of());
        AtomicReference<Throwable> publish = new AtomicReference<>();
        AtomicReference<Throwable> subscribe = new AtomicReference<>();
        String log = TestSupport.capturingStandardError(() -> {
            try {
                broker.publish(Message.builder("acl-denied").text("x").build());
            } catch (RuntimeException e) {
                publish.set(e);
            }
            try {
                broker.subscribe(SubscriptionOptions.builder("acl-denied", "g").build(), d -> {
                });
            } catch (RuntimeException e) {
                subscribe.set(e);
            }
        });
        for (Throwable t : List.of(publish.get(), subscribe.get())) {
            assertThat(t).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("user 'app'")
                    .hasMessageContaining("NOPERM")
                    .hasMessageContaining("key-prefix");
            assertThat(TestSupport.allMessages(t)).doesNotContain(PASSWORD);
        }
        assertThat(log).doesNotContain(PASSWORD);
    }

    @Test
    @DisplayName("a missing command permission names the command")
    void missingCommandPermissionIsNamed() {
        Broker broker = connect(url("reader", READER_PASSWORD), Map.of("key-prefix", "app"));
        assertThatThrownBy(() -> broker.publish(Message.builder("acl-read-only").text("x").build()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("user 'reader'")
                .hasMessageContaining("xadd")
                .satisfies(e -> assertThat(TestSupport.allMessages(e)).doesNotContain(READER_PASSWORD));
    }

    @Test
    @DisplayName("a wrong password is an AuthenticationException that names the user and hides the password")
    void wrongPassword() {
        String wrong = "wrong-Pa55-" + System.nanoTime();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        String log = TestSupport.capturingStandardError(() -> {
            try {
                connect(url("app", wrong), Map.of());
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        });
        assertThat(thrown.get()).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("user 'app'")
                .hasMessageContaining("WRONGPASS");
        assertThat(TestSupport.allMessages(thrown.get())).doesNotContain(wrong);
        assertThat(log).doesNotContain(wrong);

        assertThatThrownBy(() -> connect("redis://127.0.0.1:" + server.port(),
                Map.of("username", "app", "password", wrong))).as("credentials given as options")
                .isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertThat(TestSupport.allMessages(e)).doesNotContain(wrong));
    }

    @Test
    @DisplayName("a server that requires a password, given none, is an AuthenticationException saying so")
    void missingPassword() {
        try (RedisServers.RedisProcess locked = RedisServers.standalone("--requirepass", "locked-Secret-1")) {
            assertThatThrownBy(() -> connect(locked.url(), Map.of())).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("NOAUTH");
            Broker ok = connect("redis://:locked-Secret-1@127.0.0.1:" + locked.port(), Map.of());
            assertThat(ok.health().isUp()).isTrue();
            assertThat(ok.toString() + ok.name() + ok.health().details()).doesNotContain("locked-Secret-1");
        }
    }

    @Test
    @DisplayName("the password shows in no toString(), name(), health detail or metric")
    void passwordIsNeverShown() {
        Broker broker = connect(url("app", PASSWORD), Map.of("key-prefix", "app", "metrics-name", "secure"));
        assertThat(broker.name()).contains("app:***@").doesNotContain(PASSWORD);
        assertThat(broker.toString()).doesNotContain(PASSWORD);
        assertThat(broker.health().details().toString()).doesNotContain(PASSWORD).contains("user=app");
        assertThat(broker.metrics().toString()).doesNotContain(PASSWORD);
        BrokerConfig config = BrokerConfig.parse(url("app", PASSWORD));
        assertThat(RedisSettings.from(config).toString()).doesNotContain(PASSWORD);
    }

    @Test
    @DisplayName("the password appears in no log line at any level, Lettuce's TRACE protocol log included")
    void passwordNotLoggedAtTrace() {
        String captured = TraceLogCheck.assertNoSecretAtTrace(url("app", PASSWORD) + "?key-prefix=app",
                List.of(PASSWORD), "io.lettuce", Duration.ofMinutes(2));
        // the frames of the handshake and of the commands are traced, the AUTH among them, without its arguments
        assertThat(captured).contains("AUTH");
    }

    @Test
    @DisplayName("an unreachable server is a ConnectionException naming host and port, without the password")
    void unreachable() {
        int port = RedisServers.freePort();
        assertThatThrownBy(() -> connect("redis://app:" + PASSWORD + "@127.0.0.1:" + port,
                Map.of("connect-timeout", "2s"))).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .satisfies(e -> assertThat(TestSupport.allMessages(e)).doesNotContain(PASSWORD));
    }

    @Test
    @DisplayName("URLs and options are checked before any I/O")
    void configurationIsValidated() {
        assertThatThrownBy(() -> Brokers.connect("redis://h1:6379,h2:6379")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("redis-cluster://");
        assertThatThrownBy(() -> Brokers.connect("redis-cluster://h1:7000/3")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:6379/x")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Brokers.connect("redis://app@127.0.0.1:6379")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("without a password");
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:6379", Map.of("command-timeout", "0s")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:6379", Map.of("key-prefix", "a b")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> Brokers.connect("rediss://127.0.0.1:6379", Map.of("tls.trust-cert", "/no/such.pem")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("/no/such.pem");
        assertThatThrownBy(() -> Brokers.connect("redis://127.0.0.1:6379", Map.of("tls.verify-peer", "maybe")))
                .isInstanceOf(ConfigurationException.class);
        assertThat(Brokers.availableSchemes()).contains("redis", "rediss", "redis-cluster");
    }
}

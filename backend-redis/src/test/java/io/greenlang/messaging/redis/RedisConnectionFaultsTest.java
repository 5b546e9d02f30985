package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import io.greenlang.messaging.SubscriptionOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Network faults between the client and a standalone server, made by a {@link FaultProxy}: connections that go
 * silent without closing (half-open), resets, refused connections and a slow network. The broker must fail what
 * waits within a bounded time, replace dead connections by itself, and carry on, its subscriptions included. The
 * last tests show that cluster nodes and a master found through sentinels are watched the same way. The times
 * measured are printed.
 */
@DisplayName("Network faults: silent, reset, refused and slow connections")
class RedisConnectionFaultsTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** What a busy machine may add to a bound the design gives, before a test calls it broken. */
    private static final Duration SLACK = Duration.ofSeconds(4);
    private static final Map<String, String> OPTIONS = Map.of("command-timeout", "1s", "block-timeout", "200ms",
            "connect-timeout", "1s");

    private static RedisServers.RedisProcess server;
    @AutoClose
    private final Resources resources = new Resources();

    @BeforeAll
    static void startServer() {
        server = RedisServers.standalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** A broker through a new proxy, with a subscription that has handled a first message. */
    private Setup setUp(String name) {
        FaultProxy proxy = resources.keep(FaultProxy.to(server.port()));
        RedisBroker broker = resources.keep(RedisBroker.connect(BrokerConfig.builder(proxy.url()).options(OPTIONS).build()));
        String topic = name + "-" + System.nanoTime();
        TestSupport.Handled handled = new TestSupport.Handled();
        resources.keep(broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled));
        Message first = Message.builder(topic).text("before the fault").build();
        broker.publish(first);
        TestSupport.await("the first message").until(() -> handled.has(first.id()));
        return new Setup(proxy, broker, topic, handled);
    }

    private record Setup(FaultProxy proxy, RedisBroker broker, String topic, TestSupport.Handled handled) {
        MessagingException tryPublish(String text) {
            return RedisConnectionFaultsTest.tryPublish(broker, topic, text);
        }

        /** Publishes one message, timed. */
        Attempt timedPublish(String text) {
            long start = System.nanoTime();
            MessagingException failure = tryPublish(text);
            return new Attempt(failure, elapsed(start));
        }

        /** Waits until a publish goes through and its message is handled; returns the time since {@code since}. */
        Duration awaitRecovery(long since, Duration atMost) {
            TestSupport.await("a publish to go through", atMost).until(() -> tryPublish("probe") == null);
            Duration published = elapsed(since);
            Message after = Message.builder(topic).text("after the recovery").build();
            broker.publish(after);
            TestSupport.await("the subscription made before the fault to handle a message published after it", atMost)
                    .until(() -> handled.has(after.id()));
            TestSupport.await("health to report the broker up", atMost).until(() -> broker.health().isUp());
            return published;
        }
    }

    /** How a publish ended ({@code failure} is {@code null} if it went through), and how long it took. */
    private record Attempt(MessagingException failure, Duration took) {
    }

    /** Publishes one message; returns how it failed, or {@code null}. */
    private static MessagingException tryPublish(RedisBroker broker, String topic, String text) {
        try {
            broker.publish(Message.builder(topic).text(text).build());
            return null;
        } catch (MessagingException e) {
            return e;
        }
    }

    private static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }

    /**
     * The key case: the connections open stop answering for good while their sockets stay open, and new connections
     * work. The broker notices within {@code command-timeout} of waiting, replaces its connections by itself, and
     * its subscription carries on; the failed publish says the connection was treated as dead, not that the timeout
     * is too short.
     */
    @Test
    @DisplayName("half-open for good: the broker replaces its dead connections by itself")
    void halfOpenConnectionsAreReplaced() {
        Setup s = setUp("half-open");
        int connectionsBefore = s.proxy().connectionsAccepted();
        s.proxy().halfOpen();
        long faultAt = System.nanoTime();

        Attempt publish = s.timedPublish("into the dead connection");
        assertThat(publish.failure()).as("the publish on the dead connection")
                .isInstanceOf(MessagingTimeoutException.class);
        assertThat(publish.failure().getMessage())
                .contains("did not answer within 1s")
                .contains("treated as dead")
                .contains("Whether Redis stored it is unknown")
                .doesNotContain("Raise option");
        assertThat(publish.took()).as("time until the publish failed").isLessThan(COMMAND_TIMEOUT.plus(SLACK));

        Duration recovered = s.awaitRecovery(faultAt, COMMAND_TIMEOUT.plus(SLACK));
        assertThat(s.proxy().connectionsAccepted()).as("connections opened again").isGreaterThan(connectionsBefore);
        System.out.printf("fault test, half-open for good: publish failed after %d ms, publishing again %d ms after "
                + "the fault%n", publish.took().toMillis(), recovered.toMillis());
    }

    /**
     * The ledger of the failover tests, through the proxy: one publisher and two members of a group under traffic
     * while every connection goes half-open, and the broker replaces them by itself. The server keeps everything,
     * so no confirmed message may be lost; the publishes in flight fail with an unknown outcome, and duplicates
     * (acknowledgements lost with a connection) are counted.
     */
    @Test
    @DisplayName("half-open under traffic: nothing confirmed is lost, publishing and delivery carry on")
    void halfOpenUnderTraffic() throws Exception {
        FaultProxy proxy = resources.keep(FaultProxy.to(server.port()));
        Broker publisher = resources.keep(Brokers.connect(proxy.url(), OPTIONS));
        List<Broker> members = List.of(resources.keep(Brokers.connect(proxy.url(), OPTIONS)),
                resources.keep(Brokers.connect(proxy.url(), OPTIONS)));
        FailoverLedger ledger = resources.keep(new FailoverLedger("faults-" + System.nanoTime(), publisher, members,
                Duration.ofSeconds(2)));
        TestSupport.await("traffic before the fault").until(() -> ledger.confirmed() >= 500);

        ledger.markFault();
        proxy.halfOpen();
        ledger.awaitRecoveryAndStop(false, Duration.ofSeconds(30));

        System.out.println("fault ledger: " + ledger.summary("half-open connections under traffic"));
        assertThat(ledger.lost()).as(ledger.summary("half-open")).isZero();
        assertThat(ledger.faultToFirstPublish()).as("time to the first confirmed publish after the fault")
                .isLessThan(COMMAND_TIMEOUT.plus(SLACK));
    }

    /**
     * Every connection, open or new, goes silent (a network partition), then the network heals: publishes fail
     * within {@code command-timeout} meanwhile, health reports the broker down, and the same broker publishes again
     * and its subscription carries on once the network is back.
     */
    @Test
    @DisplayName("a partition: publishes fail in bounded time, and the same broker carries on once it heals")
    void partitionThenHeal() {
        Setup s = setUp("partition");
        s.proxy().stall();
        for (int i = 0; i < 3; i++) {
            Attempt publish = s.timedPublish("during the partition " + i);
            assertThat(publish.failure()).as("publish %d during the partition", i).isNotNull();
            assertThat(publish.failure().getMessage()).doesNotContain("Raise option");
            assertThat(publish.took()).as("time until publish %d failed", i).isLessThan(COMMAND_TIMEOUT.plus(SLACK));
            System.out.printf("fault test, partition: publish %d failed after %d ms (%s)%n", i,
                    publish.took().toMillis(), publish.failure().getClass().getSimpleName());
        }
        assertThat(s.broker().health().isUp()).as("health during the partition").isFalse();

        s.proxy().pass();
        long healedAt = System.nanoTime();
        Duration recovered = s.awaitRecovery(healedAt, COMMAND_TIMEOUT.plus(SLACK));
        System.out.printf("fault test, partition: publishing again %d ms after the network healed%n",
                recovered.toMillis());
    }

    /** Connections reset (RST), and new ones too for a while: publishes fail at once or within the timeout. */
    @Test
    @DisplayName("resets: publishes fail in bounded time, and the broker reconnects once connections stay up")
    void resetConnections() {
        Setup s = setUp("reset");
        s.proxy().reset();
        Attempt publish = s.timedPublish("while connections are reset");
        assertThat(publish.failure()).isInstanceOf(ConnectionException.class);
        assertThat(publish.took()).isLessThan(COMMAND_TIMEOUT.plus(SLACK));

        s.proxy().pass();
        long healedAt = System.nanoTime();
        Duration recovered = s.awaitRecovery(healedAt, COMMAND_TIMEOUT.plus(SLACK));
        System.out.printf("fault test, reset: publish failed after %d ms; publishing again %d ms after resets "
                + "stopped%n", publish.took().toMillis(), recovered.toMillis());
    }

    /** Nothing listens (connections refused) and the open ones are reset, then the server is back. */
    @Test
    @DisplayName("refused connections: publishes fail in bounded time, and the broker reconnects once it can")
    void refusedConnections() {
        Setup s = setUp("refused");
        s.proxy().refuse();
        Attempt publish = s.timedPublish("while connecting is refused");
        assertThat(publish.failure()).isInstanceOf(ConnectionException.class);
        assertThat(publish.took()).isLessThan(COMMAND_TIMEOUT.plus(SLACK));
        assertThat(s.broker().health().isUp()).as("health while connecting is refused").isFalse();

        s.proxy().pass();
        long healedAt = System.nanoTime();
        Duration recovered = s.awaitRecovery(healedAt, COMMAND_TIMEOUT.plus(SLACK));
        System.out.printf("fault test, refused: publish failed after %d ms; publishing again %d ms after the port "
                + "listened again%n", publish.took().toMillis(), recovered.toMillis());
    }

    /**
     * A slow network that still answers well within {@code command-timeout}: publishes take longer but go through,
     * and no connection is taken for dead (the client opens none).
     */
    @Test
    @DisplayName("a slow network within command-timeout: publishes go through, no connection is replaced")
    void slowButAnswering() {
        Setup s = setUp("slow");
        int connectionsBefore = s.proxy().connectionsAccepted();
        s.proxy().slow(Duration.ofMillis(150));
        for (int i = 0; i < 5; i++) {
            Attempt publish = s.timedPublish("slow " + i);
            assertThat(publish.failure()).as("publish %d", i).isNull();
            assertThat(publish.took()).as("a round trip through the slow proxy")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            System.out.printf("fault test, slow: publish %d took %d ms%n", i, publish.took().toMillis());
        }
        Message during = Message.builder(s.topic()).text("through the slow network").build();
        s.broker().publish(during);
        TestSupport.await("the message sent through the slow network").until(() -> s.handled().has(during.id()));
        assertThat(s.proxy().connectionsAccepted()).as("connections opened").isEqualTo(connectionsBefore);
        s.proxy().pass();
        s.awaitRecovery(System.nanoTime(), COMMAND_TIMEOUT.plus(SLACK));
    }

    /**
     * The other side of the distinction: a publish held up behind slow commands on a connection that keeps
     * answering them. It times out with the advice to raise {@code command-timeout}, and the connection is kept.
     */
    @Test
    @DisplayName("a publish held up behind slow commands on a live connection: raise command-timeout, connection kept")
    void slowCommandsOnALiveConnection() {
        Setup s = setUp("held-up");
        int connectionsBefore = s.proxy().connectionsAccepted();
        // blocking pops on an empty list: each one holds the connection's later commands up for 500 ms, and its
        // reply comes when it ends, so the connection answers every 500 ms, the publish after them only at 2 s
        byte[] empty = ("empty-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<?>> pops = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pops.add(s.broker().commands().blpop(0.5, empty).toCompletableFuture());
        }
        MessagingException failure = s.tryPublish("behind the slow commands");
        assertThat(failure).isInstanceOf(MessagingTimeoutException.class);
        assertThat(failure.getMessage()).contains("did not answer within 1s").contains("Raise option command-timeout")
                .doesNotContain("treated as dead");
        TestSupport.await("the slow commands to be answered or to time out")
                .until(() -> pops.stream().allMatch(CompletableFuture::isDone));
        assertThat(s.tryPublish("after the slow commands")).isNull();
        assertThat(s.proxy().connectionsAccepted()).as("connections opened").isEqualTo(connectionsBefore);
    }

    /**
     * Cluster node connections are watched too: while every node leaves writes unanswered ({@code CLIENT PAUSE
     * WRITE}, silent as the client sees it), a publish fails as on a dead connection, and once the nodes answer
     * again the same broker publishes.
     */
    @Test
    @DisplayName("a cluster node connection that answers nothing is treated as dead too")
    void silentClusterNode() {
        RedisServers.RedisCluster cluster = resources.keep(RedisServers.cluster(3));
        assertSilentNodesAreTreatedAsDead(cluster.url(), cluster.nodes());
    }

    /** The same for the master a {@code redis-sentinel://} broker found through the sentinels. */
    @Test
    @DisplayName("a master found through the sentinels that answers nothing is treated as dead too")
    void silentSentinelMaster() {
        SentinelSet set = resources.keep(SentinelSet.start());
        assertSilentNodesAreTreatedAsDead(set.url(), List.of(set.master()));
    }

    private void assertSilentNodesAreTreatedAsDead(String url, List<RedisServers.RedisProcess> nodes) {
        RedisBroker broker = resources.keep(RedisBroker.connect(BrokerConfig.builder(url).options(OPTIONS).build()));
        String topic = "silent-nodes-" + System.nanoTime();
        assertThat(tryPublish(broker, topic, "before")).isNull();
        MessagingException failure;
        try {
            for (RedisServers.RedisProcess node : nodes) {
                assertThat(RedisServers.command(node.port(), "CLIENT PAUSE 20000 WRITE")).isEqualTo("+OK");
            }
            failure = tryPublish(broker, topic, "to a silent node");
        } finally {
            for (RedisServers.RedisProcess node : nodes) {
                RedisServers.command(node.port(), "CLIENT UNPAUSE");
            }
        }
        assertThat(failure).isInstanceOf(MessagingTimeoutException.class);
        assertThat(failure.getMessage()).contains("treated as dead").doesNotContain("Raise option");
        TestSupport.await("a publish to go through", COMMAND_TIMEOUT.plus(SLACK))
                .until(() -> tryPublish(broker, topic, "after") == null);
    }
}

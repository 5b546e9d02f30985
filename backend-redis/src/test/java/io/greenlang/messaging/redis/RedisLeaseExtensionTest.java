package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.SubscriptionOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code extendLease} says {@code true} only for an extension Redis confirmed (issue 14, defect 9). */
@ExtendWith(RedisServerExtension.class)
@DisplayName("Lease extensions")
class RedisLeaseExtensionTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private Broker broker;
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;

    @BeforeEach
    void connect(String url) {
        broker = Brokers.connect(url, Map.of("command-timeout", "800ms", "block-timeout", "200ms"));
        client = RedisClient.create(url);
        raw = client.connect();
    }

    @AfterEach
    void close() {
        release.countDown();
        unpause();
        broker.close();
        raw.close();
        client.shutdown();
    }

    private void unpause() {
        raw.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
    }

    /** Subscribes a member whose handler holds the message until the test ends; returns its delivery. */
    private Delivery heldDelivery(String topic) {
        TestSupport.Handled holder = new TestSupport.Handled(d -> release.await());
        broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("holder")
                .leaseTimeout(Duration.ofSeconds(30)).shutdownGracePeriod(Duration.ofMillis(200)).build(), holder);
        Message m = Message.builder(topic).text("long job").build();
        broker.publish(m);
        TestSupport.await("the holder to take the message").until(() -> holder.has(m.id()));
        return holder.first(m.id());
    }

    @Test
    @DisplayName("an extension Redis does not answer (the server is paused) reports the lease lost")
    void unansweredExtensionIsNotConfirmed() {
        Delivery held = heldDelivery("extend-paused-" + System.nanoTime());
        assertThat(held.extendLease(Duration.ofSeconds(30))).as("an extension Redis confirmed").isTrue();

        raw.sync().clientPause(5_000);
        long start = System.nanoTime();
        boolean extended = held.extendLease(Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        unpause();

        assertThat(extended).as("extendLease while Redis cannot answer (after %s)", took).isFalse();
        assertThat(took).as("extendLease waits no longer than about the command timeout")
                .isLessThan(Duration.ofMillis(4_000));
    }

    @Test
    @DisplayName("an extension after another member claimed the entry reports the lease lost, and takes nothing back")
    void extensionAfterAClaimIsRefused() {
        String topic = "extend-claimed-" + System.nanoTime();
        Delivery held = heldDelivery(topic);
        String stream = "glm:{" + topic + "}:b1";
        String id = raw.sync().xpending(stream, "g", Range.create("-", "+"), Limit.from(10)).get(0).getId();
        raw.sync().xclaim(stream, Consumer.from("g", "rescuer"), XClaimArgs.Builder.minIdleTime(0).justid(), id);

        assertThat(held.extendLease(Duration.ofSeconds(30))).as("extendLease after another member claimed the entry")
                .isFalse();
        List<PendingMessage> pending = raw.sync().xpending(stream, "g", Range.create("-", "+"), Limit.from(10));
        assertThat(pending).singleElement().satisfies(p -> assertThat(p.getConsumer()).isEqualTo("rescuer"));
    }
}

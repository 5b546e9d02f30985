package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Servers that crash and come back: no duplicates made by the client, consumers carry on, nothing acknowledged
 * is lost.
 */
@DisplayName("Server restarts")
class RedisRestartTest {
    @AutoClose
    private final Resources resources = new Resources();

    /**
     * A server with {@code appendfsync always} is killed (SIGKILL) while one thread publishes and a group consumes,
     * then started again on the same port. Every publish that reported success is in the topic exactly once and
     * is handled; no message is in the topic twice (the client re-sent nothing whose outcome it did not know);
     * publishes made while the server was down waited for it instead of failing.
     */
    @Test
    @DisplayName("a crash during publishing and consuming: no duplicates from the client, nothing confirmed lost")
    void crashDuringPublishingAndConsuming() throws Exception {
        RedisServers.RedisProcess server = resources.keep(RedisServers.durable());
        String topic = "restart-" + System.nanoTime();
        Broker publisher = resources.keep(Brokers.connect(server.url(), Map.of("command-timeout", "15s")));
        Broker consumer = resources.keep(Brokers.connect(server.url(), Map.of("command-timeout", "15s")));
        TestSupport.Handled handled = new TestSupport.Handled();
        Subscription sub = resources.keep(consumer.subscribe(SubscriptionOptions.builder(topic, "g").concurrency(2)
                .leaseTimeout(Duration.ofSeconds(5)).build(), handled));

        int total = 1500;
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        Set<String> unknown = ConcurrentHashMap.newKeySet();
        AtomicInteger attempted = new AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                Message m = Message.builder(topic).text("m-" + i).priority(i % 10).build();
                attempted.incrementAndGet();
                try {
                    publisher.publish(m);
                    confirmed.add(m.id());
                } catch (MessagingException e) {
                    unknown.add(m.id());
                    failures.add(e);
                }
            }
        }, "restart-test-producer");
        producer.start();

        TestSupport.await("traffic before the crash").until(() -> confirmed.size() >= 300 && handled.counts.size() >= 100);
        server.kill();
        TestSupport.await("the producer to notice the crash", Duration.ofSeconds(10))
                .until(() -> attempted.get() > confirmed.size() + unknown.size());
        server.start();
        producer.join(Duration.ofSeconds(60).toMillis());
        assertThat(producer.isAlive()).as("the producer finished").isFalse();

        System.out.printf("restart test: %d confirmed, %d unknown outcome (%s)%n", confirmed.size(), unknown.size(),
                failures.isEmpty() ? "none" : failures.get(0).getMessage());
        assertThat(confirmed.size() + unknown.size()).isEqualTo(total);
        assertThat(unknown).as("publishes whose outcome was unknown (in flight at the crash): %s", failures)
                .hasSizeLessThanOrEqualTo(50);
        TestSupport.await("every confirmed message to be handled", Duration.ofSeconds(60))
                .until(() -> confirmed.stream().allMatch(handled::has));

        Map<String, Integer> inTopic = new HashMap<>();
        Position after = Position.beginning();
        while (true) {
            List<RecordedMessage> page = publisher.read(topic, after, 500);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(r -> inTopic.merge(r.message().id(), 1, Integer::sum));
            after = page.get(page.size() - 1).position();
        }
        assertThat(inTopic.keySet()).as("confirmed messages in the topic").containsAll(confirmed);
        assertThat(inTopic).as("messages stored more than once").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        sub.close();
        assertThat(consumer.lag(topic, "g").total()).as("lag after everything was handled").isZero();
    }

    /**
     * A durable server restarts and takes a while to load its data, answering {@code LOADING} meanwhile: a publish
     * made then waits for the load instead of failing, and the consumer carries on afterwards.
     */
    @Test
    @DisplayName("LOADING after a restart is waited out, not fatal")
    void loadingIsWaitedOut() {
        RedisServers.RedisProcess server = resources.keep(RedisServers.durable());
        String topic = "loading-" + System.nanoTime();
        Broker broker = resources.keep(Brokers.connect(server.url(), Map.of("command-timeout", "20s")));
        TestSupport.Handled handled = new TestSupport.Handled();
        resources.keep(broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled));
        Message before = Message.builder(topic).text("before").build();
        broker.publish(before);
        TestSupport.await("the first message").until(() -> handled.has(before.id()));
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(server.url());
        try (var raw = client.connect()) {
            for (int i = 0; i < 60; i++) {
                raw.sync().set("filler-" + i, "x");
            }
            raw.sync().bgrewriteaof();
            TestSupport.await("the AOF rewrite").until(() -> raw.sync().info("persistence")
                    .contains("aof_rewrite_in_progress:0") && raw.sync().info("persistence").contains("aof_rewrite_scheduled:0"));
        } finally {
            client.shutdown();
        }

        server.stop();
        server.startLoading("--key-load-delay", "20000");
        assertThat(RedisServers.command(server.port(), "PING")).as("the server is loading").startsWith("-LOADING");
        Message during = Message.builder(topic).text("published while loading").build();
        broker.publish(during);
        TestSupport.await("the message published while the server was loading").until(() -> handled.has(during.id()));
        assertThat(handled.count(before.id())).isEqualTo(1);
    }

    /**
     * A server without persistence restarts empty: the consumer's group is gone (NOGROUP). The consumer creates it
     * again and gets what is published afterwards; the publisher waits for the server instead of failing.
     */
    @Test
    @DisplayName("a restart that loses the data (NOGROUP) is recovered from, not fatal")
    void restartWithoutPersistence() {
        RedisServers.RedisProcess server = resources.keep(RedisServers.standalone());
        String topic = "nogroup-" + System.nanoTime();
        Broker broker = resources.keep(Brokers.connect(server.url(), Map.of("command-timeout", "15s")));
        TestSupport.Handled handled = new TestSupport.Handled();
        resources.keep(broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled));
        Message before = Message.builder(topic).text("before").build();
        broker.publish(before);
        TestSupport.await("the first message").until(() -> handled.has(before.id()));

        server.stop();
        TestSupport.await("health to report the server down").until(() -> !broker.health().isUp());
        server.start();

        Message after = Message.builder(topic).text("after").build();
        broker.publish(after);
        TestSupport.await("the message published after the restart").until(() -> handled.has(after.id()));
        assertThat(broker.health().isUp()).isTrue();
        assertThat(handled.count(before.id())).isEqualTo(1);
    }

    /**
     * A server that takes writes but does not answer them ({@code CLIENT PAUSE ... WRITE}): single and batch
     * publishes fail once {@code command-timeout} has passed, saying the outcome is unknown, instead of waiting
     * for the server; the broker publishes again once the server answers.
     */
    @Test
    @DisplayName("a publish Redis does not answer within command-timeout fails, its outcome unknown")
    void unansweredPublishesTimeOut() {
        RedisServers.RedisProcess server = resources.keep(RedisServers.standalone());
        String topic = "paused-" + System.nanoTime();
        Broker broker = resources.keep(Brokers.connect(server.url(),
                Map.of("command-timeout", "300ms", "block-timeout", "100ms")));
        broker.publish(Message.builder(topic).text("before").build());

        assertThat(RedisServers.command(server.port(), "CLIENT PAUSE 5000 WRITE")).isEqualTo("+OK");
        for (List<Message> publish : List.of(List.of(Message.builder(topic).text("one").build()),
                List.of(Message.builder(topic).text("a").build(), Message.builder(topic).text("b").build()))) {
            assertThatThrownBy(() -> broker.publishAll(publish))
                    .isInstanceOf(MessagingTimeoutException.class)
                    .hasMessageContaining("did not answer within 300ms")
                    .hasMessageContaining("Whether Redis stored it is unknown");
        }
        assertThat(RedisServers.command(server.port(), "CLIENT UNPAUSE")).isEqualTo("+OK");

        assertThat(broker.publish(Message.builder(topic).text("after").build()).messageId()).isNotBlank();
    }
}

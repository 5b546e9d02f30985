package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A publish whose caller waits for it is sent at once, not after the producer's linger. The broker lingers ten
 * minutes here, far beyond every deadline below, so only a send that skips the linger meets them.
 */
@ExtendWith(SharedKafka.class)
class AwaitedPublishTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String HUGE_LINGER = "linger=10m";

    @Test
    void aSynchronousPublishDoesNotWaitOutTheLinger() {
        String topic = "awaited-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap() + "?" + HUGE_LINGER)) {
            Message first = Message.builder(topic).text("first").build(); // also creates the topic
            Message second = Message.builder(topic).text("second").build();

            assertThat(CompletableFuture.supplyAsync(() -> List.of(broker.publish(first), broker.publish(second))))
                    .succeedsWithin(DEADLINE)
                    .satisfies(results -> assertThat(results).extracting(PublishResult::messageId)
                            .containsExactly(first.id(), second.id()));
        }
    }

    @Test
    void aSynchronousBatchDoesNotWaitOutTheLinger() {
        String topic = "awaited-batch-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap() + "?" + HUGE_LINGER)) {
            List<Message> batch = List.of(Message.builder(topic).text("a").build(),
                    Message.builder(topic).text("b").build(), Message.builder(topic).text("c").build());

            assertThat(CompletableFuture.supplyAsync(() -> broker.publishAll(batch)))
                    .succeedsWithin(DEADLINE)
                    .satisfies(results -> assertThat(results).hasSize(3));
        }
    }

    @Test
    void aHandlerPublishingToTheNextTopicDoesNotWaitOutTheLinger() {
        String first = "awaited-chain-a-" + UUID.randomUUID();
        String next = "awaited-chain-b-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap() + "?" + HUGE_LINGER)) {
            Set<String> arrived = ConcurrentHashMap.newKeySet();
            broker.subscribe(SubscriptionOptions.builder(next, "sink").build(),
                    d -> arrived.add(d.message().header("relayed-from").orElseThrow()));
            broker.subscribe(SubscriptionOptions.builder(first, "relay").concurrency(4).build(),
                    d -> broker.publish(Message.builder(next).text("relayed")
                            .header("relayed-from", d.message().id()).build()));

            List<Message> feed = IntStream.range(0, 20).mapToObj(i -> Message.builder(first).text("m" + i).build())
                    .toList();
            assertThat(CompletableFuture.supplyAsync(() -> broker.publishAll(feed))).succeedsWithin(DEADLINE);
            Awaitility.await("20 messages relayed from " + first + " to " + next).atMost(DEADLINE)
                    .until(() -> arrived.size() == 20);
        }
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Members join and leave a group while it works through a stream: every message is handled, and none is handled
 * twice, because a revoked member finishes what it handed out and commits before the partition moves, and the
 * next owner skips what was completed above the committed offset.
 */
@ExtendWith(SharedKafka.class)
class RebalanceTest {
    @Test
    void membersJoiningAndLeavingLoseNothingAndRepeatNothing() {
        String topic = "rebalance-" + UUID.randomUUID();
        String group = "rebalance-group";
        int batches = 20;
        int perBatch = 100;
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        MessageHandler handler = (Delivery d) -> {
            counts.computeIfAbsent(d.message().id(), id -> new AtomicInteger()).incrementAndGet();
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        };
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap());
                Broker other = Brokers.connect("kafka://" + SharedKafka.bootstrap())) {
            Subscription a = broker.subscribe(options(topic, group, "a"), handler);
            List<String> published = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>(List.of(a));
            for (int b = 0; b < batches; b++) {
                if (b == 5) {
                    subs.add(other.subscribe(options(topic, group, "b"), handler));
                } else if (b == 10) {
                    subs.add(other.subscribe(options(topic, group, "c"), handler));
                } else if (b == 15) {
                    a.close();
                }
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < perBatch; i++) {
                    batch.add(Message.builder(topic).text("m-" + b + "-" + i).build());
                }
                broker.publishAll(batch);
                batch.forEach(m -> published.add(m.id()));
            }
            Awaitility.await("every message to be handled").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100)).until(() -> counts.keySet().containsAll(published));
            subs.forEach(Subscription::close);
            Map<String, Integer> repeated = counts.entrySet().stream().filter(e -> e.getValue().get() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
            assertThat(repeated).as("messages handled more than once across the rebalances").isEmpty();
            assertThat(counts).hasSize(published.size());
        }
    }

    /**
     * A member whose handler is still running when it closes (grace period zero, and the handler ignores the
     * interrupt, as a stuck one would) does not acknowledge the message; the next member gets it as a redelivery
     * after a lost lease, with attempt 2.
     */
    @Test
    void aMessageLeftRunningByAClosedMemberComesBackWithARaisedAttempt() throws Exception {
        String topic = "abandoned-" + UUID.randomUUID();
        String group = "abandoned-group";
        java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch taken = new java.util.concurrent.CountDownLatch(1);
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        try (Broker first = Brokers.connect("kafka://" + SharedKafka.bootstrap());
                Broker second = Brokers.connect("kafka://" + SharedKafka.bootstrap())) {
            Subscription a = first.subscribe(SubscriptionOptions.builder(topic, group).shutdownGracePeriod(Duration.ZERO)
                    .build(), d -> {
                        taken.countDown();
                        while (hang.getCount() > 0) {
                            try {
                                hang.await(); // a handler that ignores the interrupt close sends it, and runs on
                            } catch (InterruptedException e) {
                                // keeps running
                            }
                        }
                    });
            Message m = Message.builder(topic).text("abandoned").build();
            first.publish(m);
            assertThat(taken.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            a.close();
            second.subscribe(SubscriptionOptions.builder(topic, group).build(),
                    d -> attempts.put(d.message().id(), d.attempt()));
            Awaitility.await("the abandoned message at the next member").atMost(Duration.ofSeconds(30))
                    .until(() -> attempts.containsKey(m.id()));
            assertThat(attempts.get(m.id())).as("attempt of a message whose handler outlived its member").isEqualTo(2);
        } finally {
            hang.countDown();
        }
    }

    private static SubscriptionOptions options(String topic, String group, String name) {
        return SubscriptionOptions.builder(topic, group).consumerName(name + "-" + UUID.randomUUID())
                .concurrency(4).shutdownGracePeriod(Duration.ofSeconds(5)).build();
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member whose handlers all hang (issue 14, defect 8) on a topic of one partition, alone in its group when the
 * leases run out: it owns every partition, retry partition included, so only by leaving the group can it let
 * another member have its messages. A member that joins then gets the two hung messages as attempt 2, and later
 * messages too; the hung member gets nothing more.
 */
@ExtendWith(SharedKafka.class)
class HungMemberTest {
    private static final Duration LEASE = Duration.ofSeconds(1);

    private static SubscriptionOptions options(String topic, String group, String name) {
        return SubscriptionOptions.builder(topic, group).consumerName(name).concurrency(2).leaseTimeout(LEASE)
                .shutdownGracePeriod(Duration.ofMillis(200)).build();
    }

    @Test
    void aMemberWhoseHandlersAllHangGivesItsPartitionsUp() {
        String topic = "hung-" + UUID.randomUUID();
        String group = "hung-group";
        CountDownLatch release = new CountDownLatch(1);
        List<Delivery> hung = new CopyOnWriteArrayList<>();
        Map<String, Integer> rescued = new ConcurrentHashMap<>();
        Map<String, String> onePartition = Map.of("partitions", "1");
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap(), onePartition);
                Broker other = Brokers.connect("kafka://" + SharedKafka.bootstrap(), onePartition)) {
            broker.subscribe(options(topic, group, "hung"), d -> {
                hung.add(d);
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        // a hung handler ignores interrupts
                    }
                }
            });
            Message a = Message.builder(topic).text("a").build();
            Message b = Message.builder(topic).text("b").build();
            broker.publishAll(List.of(a, b));
            Awaitility.await("both handlers of the first member to hang").atMost(Duration.ofSeconds(30))
                    .until(() -> hung.size() == 2);
            // alone while the leases run out, as when the other member joins late or restarts
            Awaitility.await("the leases to run out with the member alone and hung").during(LEASE.multipliedBy(2))
                    .atMost(Duration.ofSeconds(30)).until(() -> hung.size() == 2);

            long joined = System.nanoTime();
            other.subscribe(options(topic, group, "healthy"), d -> rescued.put(d.message().id(), d.attempt()));
            Awaitility.await("the healthy member to get both hung messages").atMost(Duration.ofSeconds(30))
                    .until(() -> rescued.containsKey(a.id()) && rescued.containsKey(b.id()));
            Duration took = Duration.ofNanos(System.nanoTime() - joined);
            assertThat(rescued).as("attempts of the messages whose handlers hang elsewhere")
                    .containsEntry(a.id(), 2).containsEntry(b.id(), 2);

            Message c = Message.builder(topic).text("c").build();
            broker.publish(c);
            Awaitility.await("a later message to reach the healthy member").atMost(Duration.ofSeconds(30))
                    .until(() -> rescued.containsKey(c.id()));
            assertThat(rescued.get(c.id())).isEqualTo(1);
            assertThat(hung).as("hand-overs to the hung member (took over after %s)", took).hasSize(2);
        } finally {
            release.countDown();
        }
    }
}

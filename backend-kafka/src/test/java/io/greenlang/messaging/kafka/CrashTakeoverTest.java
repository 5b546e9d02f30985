package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.tck.CrashingMember;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member whose JVM is killed (SIGKILL, no leave-group): the group's {@code session-timeout} bounds how long its
 * partitions wait for another member, and what it acknowledged before its last commit is not delivered again.
 * The test broker keeps Kafka's default group session timeout of 45 s, so a take-over within seconds shows that the
 * option took effect.
 */
@ExtendWith(SharedKafka.class)
class CrashTakeoverTest {
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    /** Start-up, heartbeat (500 ms on the test broker), assignment and fetch on a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(12);

    @Test
    void aKilledMembersPartitionsGoToTheSurvivorWithinTheSessionTimeout() {
        String url = "kafka://" + SharedKafka.bootstrap();
        Map<String, String> options = Map.of("partitions", "2", "session-timeout", "3s", "commit-interval", "100ms");
        String topic = "crash-takeover-" + System.nanoTime();
        String group = "g";
        try (Broker broker = Brokers.connect(url, options)) {
            List<Message> done = IntStream.range(0, 50).mapToObj(i -> Message.builder(topic).text("ok-" + i).build())
                    .toList();
            List<Message> held = IntStream.range(0, 5).mapToObj(i -> Message.builder(topic).text("hang-" + i).build())
                    .toList();
            broker.subscribe(SubscriptionOptions.builder(topic, group).build(), d -> {
            }).close(); // creates the group, so that it receives what follows
            broker.publishAll(done);
            try (CrashingMember child = CrashingMember.start(url, options, topic, group, "child",
                    Duration.ofSeconds(60))) {
                Awaitility.await("the child to acknowledge the first 50")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> child.doneAt().size() == done.size());
                Awaitility.await("the offsets of the first 50 to be committed")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> broker.lag(topic, group).total() == 0);
                // two partitions, one each once the survivor has joined
                List<Delivery> survivor = new CopyOnWriteArrayList<>();
                Set<String> survivorIds = ConcurrentHashMap.newKeySet();
                broker.subscribe(SubscriptionOptions.builder(topic, group).consumerName("survivor").build(), d -> {
                    survivor.add(d);
                    survivorIds.add(d.message().id());
                });
                broker.publishAll(held);
                Awaitility.await("the child to hold a message of its partition in a handler")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> child.lines().stream().anyMatch(l -> held.stream()
                                .anyMatch(m -> l.startsWith("START " + m.id()))));

                child.kill();
                long killed = System.nanoTime();
                Awaitility.await("the survivor to get the killed member's messages")
                        .atMost(SESSION_TIMEOUT.plus(MARGIN)).pollInterval(Duration.ofMillis(50))
                        .until(() -> held.stream().allMatch(m -> survivorIds.contains(m.id())));
                Duration takeOver = Duration.ofNanos(System.nanoTime() - killed);
                System.out.println("Take-over after SIGKILL with session-timeout " + SESSION_TIMEOUT + ": " + takeOver);
                Set<String> doneIds = done.stream().map(Message::id).collect(Collectors.toSet());
                assertThat(survivor).as("acknowledged and committed before the crash: not delivered again")
                        .noneMatch(d -> doneIds.contains(d.message().id()));
            }
        }
    }

    /**
     * The child acknowledges a stream of messages and is killed in the middle: acknowledgements since its last
     * offset commit are delivered again (at-least-once), but nothing it acknowledged more than a commit interval
     * (plus the commit's round trip and this JVM's reading of its output, 2 s in all) before the kill.
     */
    @Test
    void afterACrashOnlyTheLastCommitIntervalIsDeliveredAgain() {
        String url = "kafka://" + SharedKafka.bootstrap();
        Map<String, String> options = Map.of("partitions", "2", "session-timeout", "3s", "commit-interval", "100ms");
        String topic = "crash-commit-" + System.nanoTime();
        String group = "g";
        int n = 3000;
        try (Broker broker = Brokers.connect(url, options)) {
            List<Message> messages = IntStream.range(0, n).mapToObj(i -> Message.builder(topic).text("ok-" + i).build())
                    .toList();
            Set<String> survivorIds = ConcurrentHashMap.newKeySet();
            try (CrashingMember child = CrashingMember.start(url, options, topic, group, "child",
                    Duration.ofSeconds(60))) {
                broker.publishAll(messages.subList(0, 100));
                Awaitility.await("the child to handle the first 100")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> child.doneAt().size() >= 100);
                // two partitions, one each once the survivor has joined
                broker.subscribe(SubscriptionOptions.builder(topic, group).consumerName("survivor").build(),
                        d -> survivorIds.add(d.message().id()));
                // a steady stream, so that the child is acknowledging when it is killed
                long killed = 0;
                for (int i = 100; i < n; i += 50) {
                    broker.publishAll(messages.subList(i, i + 50));
                    int published = i + 50;
                    Awaitility.await("the child to keep up").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(5)).until(() -> published - child.doneAt().size() - survivorIds.size() <= 100);
                    if (killed == 0 && child.doneAt().size() >= n / 3) {
                        child.kill();
                        killed = System.nanoTime();
                    }
                }
                if (killed == 0) {
                    child.kill();
                    killed = System.nanoTime();
                }
                Awaitility.await("the survivor to get the rest").atMost(SESSION_TIMEOUT.plus(MARGIN).plusSeconds(20))
                        .pollInterval(Duration.ofMillis(50)).until(() -> messages.stream()
                                .allMatch(m -> child.doneAt().containsKey(m.id()) || survivorIds.contains(m.id())));
                Map<String, Long> done = child.doneAt();
                long bound = Duration.ofSeconds(2).toNanos();
                long killedAt = killed;
                List<String> old = done.entrySet().stream().filter(e -> killedAt - e.getValue() > bound)
                        .map(Map.Entry::getKey).filter(survivorIds::contains).toList();
                long again = done.keySet().stream().filter(survivorIds::contains).count();
                assertThat(done.size()).as("killed in the middle of the stream").isLessThan(n);
                System.out.println("Kafka crash: child acknowledged " + done.size() + ", " + again
                        + " of them delivered again to the survivor");
                assertThat(old).as("acknowledged more than 2 s before the kill, delivered again").isEmpty();
            }
        }
    }

    @Test
    void aSessionTimeoutTheBrokerRefusesFailsTheSubscriptionNamingTheBrokerSetting() {
        // the broker's group.consumer.max.session.timeout.ms is Kafka's default, 60 s
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap(), Map.of("session-timeout", "2m"))) {
            String topic = "crash-refused-" + System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> broker.subscribe(
                    SubscriptionOptions.builder(topic, "g").build(), d -> {
                    })).isInstanceOf(io.greenlang.messaging.ConfigurationException.class)
                    .hasMessageContaining("session-timeout").hasMessageContaining("group.consumer.min.session.timeout.ms");
        }
    }
}

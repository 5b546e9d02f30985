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
        Map<String, String> options = Map.of("partitions", "1", "session-timeout", "3s", "commit-interval", "100ms");
        String topic = "crash-takeover-" + System.nanoTime();
        String group = "g";
        try (Broker broker = Brokers.connect(url, options)) {
            List<Message> done = IntStream.range(0, 50).mapToObj(i -> Message.builder(topic).text("ok-" + i).build())
                    .toList();
            List<Message> held = IntStream.range(0, 5).mapToObj(i -> Message.builder(topic).text("hang-" + i).build())
                    .toList();
            broker.publishAll(done);
            try (CrashingMember child = CrashingMember.start(url, options, topic, group, "child",
                    Duration.ofSeconds(60))) {
                Awaitility.await("the child to acknowledge the first 50 and their offsets to be committed")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> broker.lag(topic, group).total() == 0);
                // the only partition is the child's: the survivor joins and gets nothing until the child dies
                List<Delivery> survivor = new CopyOnWriteArrayList<>();
                Set<String> survivorIds = ConcurrentHashMap.newKeySet();
                broker.subscribe(SubscriptionOptions.builder(topic, group).consumerName("survivor").build(), d -> {
                    survivor.add(d);
                    survivorIds.add(d.message().id());
                });
                broker.publishAll(held);
                child.awaitLine("START " + held.get(0).id(), Duration.ofSeconds(60));
                assertThat(survivor).as("the survivor gets nothing while the child owns the partition").isEmpty();

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
}

package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Members that crash: what they took is claimed by others after the lease, recovered at once by a new member of
 * the same name, and a member is deleted from its group only once it holds nothing.
 */
@ExtendWith(RedisServerExtension.class)
@DisplayName("Crash recovery")
class RedisCrashRecoveryTest {
    private Broker broker;
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;

    @BeforeEach
    void connect(String url) {
        broker = Brokers.connect(url);
        client = RedisClient.create(url);
        raw = client.connect();
    }

    @AfterEach
    void close() {
        broker.close();
        raw.close();
        client.shutdown();
    }

    /**
     * Creates the group, publishes, and lets consumer {@code name} take the entries and "crash" (never ack), having
     * handed the first {@code started} of them to a handler: the library records a hand-over in the pending list as
     * a delivery count of 2 ({@link Script#MARK}); the others were only fetched ahead.
     */
    @SuppressWarnings("unchecked")
    private List<Message> takenByACrashedConsumer(String topic, String name, int n, int started) {
        broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), d -> {
        }).close();
        List<Message> messages = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> Message.builder(topic).text("job-" + i).build()).toList();
        broker.publishAll(messages);
        List<StreamMessage<String, String>> taken = raw.sync().xreadgroup(Consumer.from("g", name),
                XReadArgs.Builder.count(100), XReadArgs.StreamOffset.lastConsumed("glm:{" + topic + "}:b1"));
        assertThat(taken).hasSize(n);
        for (int i = 0; i < started; i++) {
            raw.sync().xclaim("glm:{" + topic + "}:b1", Consumer.from("g", name), io.lettuce.core.XClaimArgs.Builder
                    .minIdleTime(0).retryCount(2).justid(), taken.get(i).getId());
        }
        return messages;
    }

    @Test
    @DisplayName("entries a crashed member took go to another member after the lease: as attempt 2 if it had handed "
            + "them to a handler, else as attempt 1")
    void claimedByAnotherMemberAfterTheLease() {
        String topic = "crash-claim-" + System.nanoTime();
        List<Message> messages = takenByACrashedConsumer(topic, "crashed", 3, 1);
        long start = System.nanoTime();
        TestSupport.Handled rescuer = new TestSupport.Handled();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("rescuer")
                .leaseTimeout(Duration.ofSeconds(1)).build(), rescuer);
        TestSupport.await("the rescuer to get all three").until(() -> messages.stream().allMatch(m -> rescuer.has(m.id())));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            assertThat(rescuer.first(m.id()).attempt()).as("attempt of message %d claimed from a crashed member that "
                    + "had handed only message 0 to a handler", i).isEqualTo(i == 0 ? 2 : 1);
            assertThat(rescuer.count(m.id())).isEqualTo(1);
        }
        TestSupport.await("nothing pending").until(() -> broker.lag(topic, "g").pending() == 0);
    }

    @Test
    @DisplayName("a new member with the crashed member's name recovers its pending entries at once, before any lease")
    void recoveredByTheSameName() {
        String topic = "crash-recover-" + System.nanoTime();
        List<Message> messages = takenByACrashedConsumer(topic, "worker-1", 4, 2);
        TestSupport.Handled restarted = new TestSupport.Handled();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("worker-1")
                .leaseTimeout(Duration.ofMinutes(5)).build(), restarted);
        TestSupport.await("the restarted member to recover its entries", Duration.ofSeconds(10))
                .until(() -> messages.stream().allMatch(m -> restarted.has(m.id())));
        for (int i = 0; i < messages.size(); i++) {
            assertThat(restarted.first(messages.get(i).id()).attempt()).as("attempt of recovered message %d; the "
                    + "crashed member had handed messages 0 and 1 to a handler", i).isEqualTo(i < 2 ? 2 : 1);
        }
        Message next = Message.builder(topic).text("next").build();
        broker.publish(next);
        TestSupport.await("a new message after the recovery").until(() -> restarted.has(next.id()));
        assertThat(restarted.first(next.id()).attempt()).isEqualTo(1);
        TestSupport.await("nothing pending").until(() -> broker.lag(topic, "g").pending() == 0);
    }

    @Test
    @DisplayName("a member is deleted from the group when it closes holding nothing, and kept while it holds entries")
    void consumerDeletedOnlyWhenItsPendingListIsEmpty() {
        String topic = "crash-leave-" + System.nanoTime();
        String stream = "glm:{" + topic + "}:b1";
        Subscription clean = broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("clean").build(),
                d -> {
                });
        Message m1 = Message.builder(topic).text("one").build();
        broker.publish(m1);
        TestSupport.await("m1 handled").until(() -> broker.lag(topic, "g").total() == 0);
        clean.close();
        assertThat(consumers(stream)).doesNotContain("clean");

        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Subscription stuck = broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("stuck")
                .shutdownGracePeriod(Duration.ofMillis(100)).build(), d -> {
                    started.countDown();
                    while (never.getCount() > 0) {
                        try {
                            never.await(); // hangs like a crashed handler: the interrupt after the grace period is ignored
                        } catch (InterruptedException e) {
                            // stay stuck
                        }
                    }
                });
        Message m2 = Message.builder(topic).text("two").build();
        broker.publish(m2);
        // pending == 1 is not enough: the entry is pending from the moment Redis serves the read, before the
        // handler starts, and close hands a fetched but unstarted entry back (empty pending list, member deleted)
        TestSupport.await("m2 in the stuck handler").until(() -> started.getCount() == 0);
        assertThat(broker.lag(topic, "g").pending()).isEqualTo(1);
        stuck.close();
        assertThat(consumers(stream)).as("a member that still holds an entry stays in the group").contains("stuck");
        TestSupport.Handled successor = new TestSupport.Handled();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("stuck").build(), successor);
        TestSupport.await("the successor of the same name to recover m2").until(() -> successor.has(m2.id()));
        assertThat(successor.first(m2.id()).attempt()).isEqualTo(2);
        never.countDown();
    }

    @Test
    @DisplayName("a member whose JVM is killed: what it held goes to another member after the lease, what it "
            + "acknowledged does not come back")
    void killedJvm(String url) {
        String topic = "crash-kill-" + System.nanoTime();
        Duration lease = Duration.ofSeconds(2);
        List<Message> done = java.util.stream.IntStream.range(0, 30)
                .mapToObj(i -> Message.builder(topic).text("ok-" + i).build()).toList();
        List<Message> held = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> Message.builder(topic).text("hang-" + i).build()).toList();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), d -> {
        }).close(); // creates the group
        broker.publishAll(done);
        TestSupport.Handled survivor = new TestSupport.Handled();
        long killed;
        try (io.greenlang.messaging.tck.CrashingMember child = io.greenlang.messaging.tck.CrashingMember.start(url,
                java.util.Map.of("lease-timeout", lease.toString()), topic, "g", "child", Duration.ofSeconds(60))) {
            TestSupport.await("the child to acknowledge the first 30", Duration.ofSeconds(60))
                    .until(() -> broker.lag(topic, "g").total() == 0);
            broker.publishAll(held);
            child.awaitLine("START " + held.get(0).id(), Duration.ofSeconds(60));
            // a hand-over counts once Redis has recorded it (after 50 ms of handling); a member killed sooner
            // redelivers the message with its attempt unchanged, as docs/delivery-semantics.md says
            TestSupport.await("the child's hand-over to be recorded in the pending list", Duration.ofSeconds(30))
                    .until(() -> raw.sync().xpending("glm:{" + topic + "}:b1", "g", Range.create("-", "+"),
                            Limit.from(10)).stream().anyMatch(p -> p.getRedeliveryCount() >= 2));
            child.kill();
            killed = System.nanoTime();
        }
        broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("survivor").leaseTimeout(lease).build(),
                survivor);
        // the lease, then up to half a lease until the next claim scan, plus start-up on a loaded machine
        TestSupport.await("the survivor to get what the killed member held", lease.multipliedBy(3).plusSeconds(10))
                .until(() -> held.stream().allMatch(m -> survivor.has(m.id())));
        System.out.println("Redis take-over after SIGKILL with a lease of " + lease + ": "
                + Duration.ofNanos(System.nanoTime() - killed));
        assertThat(survivor.first(held.get(0).id()).attempt()).as("the message whose handler had started")
                .isEqualTo(2);
        for (Message m : done) {
            assertThat(survivor.has(m.id())).as("acknowledged before the crash, delivered again").isFalse();
        }
    }

    @Test
    @DisplayName("members joining and leaving (closing gracefully) while the group works: nothing handled twice")
    void membersJoiningAndLeavingRepeatNothing(String url) {
        String topic = "crash-join-leave-" + System.nanoTime();
        java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> counts =
                new java.util.concurrent.ConcurrentHashMap<>();
        io.greenlang.messaging.MessageHandler handler = d -> {
            counts.computeIfAbsent(d.message().id(), id -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        };
        try (Broker other = Brokers.connect(url)) {
            Subscription a = broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("a").build(),
                    handler);
            List<Subscription> subs = new java.util.ArrayList<>(List.of(a));
            List<String> published = new java.util.ArrayList<>();
            for (int b = 0; b < 20; b++) {
                if (b == 5) {
                    subs.add(other.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("b").build(),
                            handler));
                } else if (b == 10) {
                    subs.add(other.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("c").build(),
                            handler));
                } else if (b == 15) {
                    a.close();
                }
                int batch = b;
                List<Message> messages = java.util.stream.IntStream.range(0, 100)
                        .mapToObj(i -> Message.builder(topic).text("m-" + batch + "-" + i).build()).toList();
                broker.publishAll(messages);
                messages.forEach(m -> published.add(m.id()));
            }
            TestSupport.await("every message to be handled", Duration.ofMinutes(1))
                    .until(() -> counts.keySet().containsAll(published));
            subs.forEach(Subscription::close);
            assertThat(counts.entrySet().stream().filter(e -> e.getValue().get() != 1).map(java.util.Map.Entry::getKey))
                    .as("messages handled more than once while members joined and left").isEmpty();
        }
    }

    @Test
    @DisplayName("a member killed while acknowledging a stream: what it acknowledged more than 2 s before is not "
            + "delivered again")
    void killedWhileAcknowledging(String url) {
        String topic = "crash-stream-" + System.nanoTime();
        Duration lease = Duration.ofSeconds(2);
        int n = 3000;
        List<Message> messages = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> Message.builder(topic).text("ok-" + i).build()).toList();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), d -> {
        }).close(); // creates the group
        java.util.Set<String> survivorIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (io.greenlang.messaging.tck.CrashingMember child = io.greenlang.messaging.tck.CrashingMember.start(url,
                java.util.Map.of("lease-timeout", lease.toString()), topic, "g", "child", Duration.ofSeconds(60))) {
            broker.subscribe(SubscriptionOptions.builder(topic, "g").consumerName("survivor").leaseTimeout(lease)
                    .build(), d -> survivorIds.add(d.message().id()));
            long killed = 0;
            for (int i = 0; i < n; i += 50) {
                broker.publishAll(messages.subList(i, i + 50));
                int published = i + 50;
                TestSupport.await("the members to keep up", Duration.ofSeconds(30))
                        .until(() -> published - child.doneAt().size() - survivorIds.size() <= 100);
                if (killed == 0 && published >= n / 2) { // mid-stream: both members are handling
                    child.kill();
                    killed = System.nanoTime();
                }
            }
            if (killed == 0) {
                child.kill();
                killed = System.nanoTime();
            }
            TestSupport.await("the survivor to get the rest", lease.multipliedBy(3).plusSeconds(20))
                    .until(() -> messages.stream()
                            .allMatch(m -> child.doneAt().containsKey(m.id()) || survivorIds.contains(m.id())));
            java.util.Map<String, Long> done = child.doneAt();
            long killedAt = killed;
            long bound = Duration.ofSeconds(2).toNanos();
            long again = done.keySet().stream().filter(survivorIds::contains).count();
            System.out.println("Redis crash: child acknowledged " + done.size() + ", " + again
                    + " of them delivered again to the survivor");
            assertThat(done.size()).as("killed in the middle of the stream").isLessThan(n);
            assertThat(done.entrySet().stream().filter(e -> killedAt - e.getValue() > bound)
                    .map(java.util.Map.Entry::getKey).filter(survivorIds::contains))
                    .as("acknowledged more than 2 s before the kill, delivered again").isEmpty();
        }
    }

    private List<String> consumers(String stream) {
        return raw.sync().xinfoConsumers(stream, "g").stream()
                .map(o -> {
                    List<?> fields = (List<?>) o;
                    for (int i = 0; i + 1 < fields.size(); i += 2) {
                        if ("name".equals(String.valueOf(fields.get(i)))) {
                            return String.valueOf(fields.get(i + 1));
                        }
                    }
                    return "";
                }).toList();
    }

    @Test
    @DisplayName("options are accepted from the URL's query")
    void optionsInTheUrl(String url) {
        try (Broker b = Brokers.connect(url + "?key-prefix=other&retention=1h")) {
            String topic = "query-" + System.nanoTime();
            b.publish(Message.builder(topic).text("x").build());
            assertThat(raw.sync().xlen("other:{" + topic + "}:b1")).isEqualTo(1);
            assertThat(b.read(topic, io.greenlang.messaging.Position.beginning(), 10)).hasSize(1);
        }
    }
}

package io.greenlang.messaging.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The topic log of {@code memory://}: kept encoded, trimmed by count and by age, decoded on the way out. */
class MemoryLogTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    @DisplayName("the log keeps the newest max-retained-messages; reads and new groups start there")
    void trimsByCount() {
        try (Broker broker = Brokers.connect("memory://?max-retained-messages=3")) {
            for (int i = 0; i < 5; i++) {
                broker.publish(Message.builder("orders").text("m" + i).build());
            }

            assertThat(texts(broker.read("orders", Position.beginning(), 10))).containsExactly("m2", "m3", "m4");
            List<String> seen = new CopyOnWriteArrayList<>();
            Subscription late = broker.subscribe(SubscriptionOptions.builder("orders", "late")
                    .startPosition(StartPosition.EARLIEST).build(), d -> seen.add(d.message().payloadAsString()));
            try {
                await().atMost(DEADLINE).until(() -> seen.size() == 3);
            } finally {
                late.close();
            }
            assertThat(seen).containsExactly("m2", "m3", "m4");
        }
    }

    @Test
    @DisplayName("a group delivers everything it has not finished, even what the log no longer keeps")
    void groupsOutliveTheLog() {
        try (Broker broker = Brokers.connect("memory://?max-retained-messages=2")) {
            List<String> seen = new CopyOnWriteArrayList<>();
            // the group exists before the publishes, so each of them is the group's to deliver
            broker.subscribe(SubscriptionOptions.builder("orders", "early").build(), d -> { }).close();
            for (int i = 0; i < 5; i++) {
                broker.publish(Message.builder("orders").text("m" + i).build());
            }

            Subscription early = broker.subscribe("orders", "early", d -> seen.add(d.message().payloadAsString()));
            try {
                await().atMost(DEADLINE).until(() -> seen.size() == 5);
            } finally {
                early.close();
            }
            assertThat(seen).containsExactly("m0", "m1", "m2", "m3", "m4");
            assertThat(broker.read("orders", Position.beginning(), 10)).hasSize(2);
        }
    }

    @Test
    @DisplayName("messages older than the retention leave the log")
    void trimsByAge() {
        try (Broker broker = Brokers.connect("memory://?retention=1s")) {
            broker.publish(Message.builder("events").text("old").createdAt(Instant.now().minusSeconds(60)).build());
            broker.publish(Message.builder("events").text("new").build());
            assertThat(texts(broker.read("events", Position.beginning(), 10))).containsExactly("old", "new");

            // the log checks ages at most once a second, when something is appended
            await().atMost(DEADLINE).untilAsserted(() -> {
                broker.publish(Message.builder("events").text("tick").build());
                assertThat(texts(broker.read("events", Position.beginning(), 1))).doesNotContain("old");
            });
        }
    }

    @Test
    @DisplayName("what the log gives back equals what was published, a declared provenance hash included")
    void decodesEqualMessages() {
        try (Broker broker = Brokers.connect("memory://")) {
            Message plain = Message.builder("audit").text("plain").header("k", "v").priority(7)
                    .correlationId("c-1").replyTo("audit.replies").key("acct-9").ttl(Duration.ofHours(1)).build();
            Message declared = Message.builder("audit").text("declared").provenanceHash("0".repeat(64)).build();
            broker.publish(plain);
            broker.publish(declared);

            List<RecordedMessage> read = broker.read("audit", Position.beginning(), 10);

            String stamped = read.get(0).message().provenanceHash().orElseThrow();
            assertThat(broker.verifyProvenance(read.get(0).message())).isTrue();
            assertThat(read).extracting(RecordedMessage::message).containsExactly(
                    plain.withProvenanceHash(stamped), declared);
            assertThat(broker.verifyProvenance(read.get(1).message())).isFalse(); // kept as declared, not re-made
        }
    }

    @Test
    @DisplayName("messages of any size come back intact, across the log's slabs and larger than a slab")
    void keepsMessagesOfAnySize() {
        try (Broker broker = Brokers.connect("memory://?max-message-size=2MiB")) {
            Random random = new Random(7);
            List<byte[]> payloads = new ArrayList<>();
            for (int size : new int[] {0, 100, 300_000, 1, 1_500_000, 70_000}) { // 300 KB and 1.5 MB: past a slab
                for (int copy = 0; copy < 40; copy++) {
                    byte[] p = new byte[size];
                    random.nextBytes(p);
                    payloads.add(p);
                }
            }
            for (byte[] p : payloads) {
                broker.publish(Message.builder("blobs").payload(p).build());
            }

            List<RecordedMessage> read = broker.read("blobs", Position.beginning(), payloads.size());

            assertThat(read).hasSize(payloads.size());
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(read.get(i).message().payload()).as("message %d", i).isEqualTo(payloads.get(i));
            }
        }
    }

    private static List<String> texts(List<RecordedMessage> records) {
        return records.stream().map(r -> r.message().payloadAsString()).toList();
    }
}

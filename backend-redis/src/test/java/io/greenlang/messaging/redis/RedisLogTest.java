package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The topic's log across its band streams: reading, positions, retention, versions and lag. */
@ExtendWith(RedisServerExtension.class)
@DisplayName("The log across priority bands")
class RedisLogTest {
    private String url;
    private final List<Broker> brokers = new ArrayList<>();
    private RedisClient client;
    private StatefulRedisConnection<String, String> raw;

    @BeforeEach
    void connect(String redisUrl) {
        url = redisUrl;
        client = RedisClient.create(url);
        raw = client.connect();
    }

    @AfterEach
    void close() {
        TestSupport.closeAll(brokers);
        raw.close();
        client.shutdown();
    }

    private Broker broker(Map<String, String> options) {
        Broker b = Brokers.connect(url, options);
        brokers.add(b);
        return b;
    }

    @Test
    @DisplayName("read merges the bands in (time, band, sequence) order, keeps each band's publish order, and pages "
            + "exactly")
    void readMergesBandsAndPagesExactly() {
        Broker broker = broker(Map.of());
        String topic = "log-" + System.nanoTime();
        List<Message> published = IntStream.range(0, 60)
                .mapToObj(i -> Message.builder(topic).text("m" + i).priority(i % 10).build()).toList();
        List<PublishResult> results = broker.publishAll(published);
        Map<String, Position> positions = new HashMap<>();
        results.forEach(r -> positions.put(r.messageId(), r.position()));

        List<RecordedMessage> all = broker.read(topic, Position.beginning(), 1000);
        assertThat(all).extracting(r -> r.message().id()).containsExactlyInAnyOrderElementsOf(
                published.stream().map(Message::id).toList());
        for (RecordedMessage r : all) {
            assertThat(r.position()).as("position read = position published").isEqualTo(positions.get(r.message().id()));
        }
        for (int i = 1; i < all.size(); i++) {
            assertThat(Positions.parse(all.get(i - 1).position()).compareTo(Positions.parse(all.get(i).position())))
                    .as("log order at %d", i).isNegative();
        }
        for (int band = 0; band < PriorityBands.COUNT; band++) {
            int b = band;
            List<String> inBand = all.stream().filter(r -> PriorityBands.of(r.message().priority()) == b)
                    .map(r -> r.message().id()).toList();
            List<String> publishedInBand = published.stream().filter(m -> PriorityBands.of(m.priority()) == b)
                    .map(Message::id).toList();
            assertThat(inBand).as("band %d in publish order", b).containsExactlyElementsOf(publishedInBand);
        }

        for (int page : List.of(1, 4, 7)) {
            List<RecordedMessage> paged = new ArrayList<>();
            Position after = Position.beginning();
            while (true) {
                List<RecordedMessage> next = broker.read(topic, after, page);
                assertThat(next.size()).isLessThanOrEqualTo(page);
                if (next.isEmpty()) {
                    break;
                }
                paged.addAll(next);
                after = next.get(next.size() - 1).position();
            }
            assertThat(paged).as("pages of %d", page).extracting(RecordedMessage::position)
                    .containsExactlyElementsOf(all.stream().map(RecordedMessage::position).toList());
        }
        assertThatThrownBy(() -> broker.read(topic, new Position("17"), 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a position of the Redis backend");
    }

    @Test
    @DisplayName("retention trims old entries with MINID ~, max-length with MAXLEN ~")
    void retentionTrims() {
        String topic = "retention-" + System.nanoTime();
        Broker aging = broker(Map.of("retention", "1s"));
        aging.publishAll(IntStream.range(0, 300).mapToObj(i -> Message.builder(topic).text("old " + i).build()).toList());
        Instant published = Instant.now();
        TestSupport.await("the retention to pass").until(() -> Instant.now().isAfter(published.plusMillis(1200)));
        aging.publish(Message.builder(topic).text("new").build());
        assertThat(raw.sync().xlen("glm:{" + topic + "}:b1")).as("entries left after the trim").isLessThan(150);

        String capped = "capped-" + System.nanoTime();
        Broker cappedBroker = broker(Map.of("max-length", "100"));
        for (int round = 0; round < 10; round++) {
            cappedBroker.publishAll(IntStream.range(0, 100).mapToObj(i -> Message.builder(capped).text("x").build())
                    .toList());
        }
        assertThat(raw.sync().xlen("glm:{" + capped + "}:b1")).isBetween(100L, 300L);
        assertThat(aging.publishIfVersion(Message.builder(topic).text("v").build(), 301).messageId()).isNotBlank();
    }

    @Test
    @DisplayName("the version counts messages of every band, trimmed ones included")
    void versionsSpanBands() {
        Broker broker = broker(Map.of());
        String topic = "version-" + System.nanoTime();
        broker.publishIfVersion(Message.builder(topic).text("a").priority(9).build(), 0);
        broker.publishIfVersion(Message.builder(topic).text("b").priority(0).build(), 1);
        broker.publish(Message.builder(topic).text("c").priority(5).build());
        assertThatThrownBy(() -> broker.publishIfVersion(Message.builder(topic).text("d").build(), 2))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> assertThat(e.actualVersion()).isEqualTo(3));
        raw.sync().xtrim("glm:{" + topic + "}:b2", 0);
        broker.publishIfVersion(Message.builder(topic).text("d").build(), 3);
    }

    @Test
    @DisplayName("lag counts retries waiting for their backoff as backlog")
    void lagCountsDelayedRetries() {
        Broker broker = broker(Map.of());
        String topic = "lag-delay-" + System.nanoTime();
        TestSupport.Handled failing = new TestSupport.Handled(d -> {
            throw new IllegalStateException("later");
        });
        broker.subscribe(SubscriptionOptions.builder(topic, "g").retryPolicy(RetryPolicy.builder().maxAttempts(2)
                .initialBackoff(Duration.ofMinutes(5)).maxBackoff(Duration.ofMinutes(5)).build()).build(), failing);
        Message m = Message.builder(topic).text("x").build();
        broker.publish(m);
        TestSupport.await("the retry to be scheduled")
                .until(() -> failing.has(m.id()) && raw.sync().zcard("glm:{" + topic + "}:delay:g") == 1);
        ConsumerLag lag = broker.lag(topic, "g");
        assertThat(lag.backlog()).as("backlog: the retry waiting for its backoff").isEqualTo(1);
        assertThat(lag.pending()).isZero();
    }
}

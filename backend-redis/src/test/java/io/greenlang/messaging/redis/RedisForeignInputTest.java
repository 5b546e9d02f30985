package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.SubscriptionOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Entries another client wrote into a topic's streams are dead-lettered with the reason; consumers carry on. */
@ExtendWith(RedisServerExtension.class)
@DisplayName("Foreign stream entries")
class RedisForeignInputTest {
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

    @Test
    @DisplayName("entries without field m, or with bytes that are no envelope, are dead-lettered as UNDECODABLE")
    void foreignEntriesAreDeadLettered() {
        String topic = "foreign-" + System.nanoTime();
        TestSupport.Handled handled = new TestSupport.Handled();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled);
        String stream = "glm:{" + topic + "}:b1";
        String noField = raw.sync().xadd(stream, Map.of("order", "42", "note", "written by redis-cli"));
        String badBytes = raw.sync().xadd(stream, Map.of("m", "not an envelope"));
        Message good = Message.builder(topic).text("good").build();
        broker.publish(good);

        TestSupport.await("the good message after the foreign ones").until(() -> handled.has(good.id()));
        DeadLetterQueue dlq = broker.deadLetters(topic, "g");
        TestSupport.await("two dead letters").until(() -> dlq.count() == 2);
        List<DeadLetter> letters = dlq.list(10);
        assertThat(letters).extracting(DeadLetter::reason).containsOnly(DeadLetterReason.UNDECODABLE);
        assertThat(letters).extracting(DeadLetter::exceptionClass)
                .containsOnly(java.util.Optional.of(PayloadDecodingException.class.getName()));
        letters = letters.stream().sorted(Comparator.comparing(dl -> dl.message().header("greenlang.original-position")
                .orElseThrow())).toList();
        DeadLetter first = letters.get(0);
        assertThat(first.message().header("greenlang.original-position")).hasValue("1:" + noField);
        assertThat(first.exceptionMessage()).contains("no field 'm'").contains("order").contains("note");
        assertThat(first.message().payloadAsString()).contains("order=42");
        DeadLetter second = letters.get(1);
        assertThat(second.message().header("greenlang.original-position")).hasValue("1:" + badBytes);
        assertThat(second.exceptionMessage()).contains("Not a GreenLang message envelope");
        assertThat(second.message().payload()).isEqualTo("not an envelope".getBytes(StandardCharsets.UTF_8));
        assertThat(handled.deliveries).extracting(d -> d.message().id()).containsExactly(good.id());

        assertThat(broker.read(topic, Position.beginning(), 10)).as("read() skips what is not a message")
                .extracting(r -> r.message().id()).containsExactly(good.id());
        assertThat(broker.lag(topic, "g").total()).isZero();
    }

    @Test
    @DisplayName("a corrupt retry entry in a group's retry stream is dead-lettered too")
    void corruptRetryEntry() {
        String topic = "foreign-retry-" + System.nanoTime();
        TestSupport.Handled handled = new TestSupport.Handled();
        broker.subscribe(SubscriptionOptions.builder(topic, "g").build(), handled);
        raw.sync().xadd("glm:{" + topic + "}:retry:g", Map.of("m", "x", "a", "not-a-number"));
        Message good = Message.builder(topic).text("good").build();
        broker.publish(good);
        TestSupport.await("the good message").until(() -> handled.has(good.id()));
        TestSupport.await("one dead letter").until(() -> broker.deadLetters(topic, "g").count() == 1);
        assertThat(broker.deadLetters(topic, "g").list(1).get(0).reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.SubscriptionOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records written by a plain {@link KafkaProducer} (arbitrary bytes, no headers, a tombstone, a truncated
 * envelope) to a GreenLang topic are dead-lettered with reason UNDECODABLE and the reason, with the raw bytes and
 * the original position, and the consumer carries on with the next message.
 */
@ExtendWith(SharedKafka.class)
class ForeignInputTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void foreignRecordsAreDeadLetteredAndTheConsumerCarriesOn() throws Exception {
        String topic = "foreign-" + UUID.randomUUID();
        String group = "foreign-group";
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap())) {
            Set<String> handled = ConcurrentHashMap.newKeySet();
            broker.subscribe(SubscriptionOptions.builder(topic, group).retryPolicy(RetryPolicy.noRetries()).build(),
                    d -> handled.add(d.message().id()));

            byte[] arbitrary = "{\"order\": 42, \"from\": \"a legacy service\"}".getBytes(StandardCharsets.UTF_8);
            byte[] truncated = {'G', 'L', 'M', 1, 0, 5, 'a'};
            try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                plain.send(new ProducerRecord<>(topic, 0, null, arbitrary)).get();
                plain.send(new ProducerRecord<>(topic, 1, "k".getBytes(StandardCharsets.UTF_8), null)).get();
                plain.send(new ProducerRecord<>(topic, 2, null, truncated)).get();
            }
            Message good = Message.builder(topic).text("after the foreign records").build();
            broker.publish(good);

            Awaitility.await("the good message after the foreign ones").atMost(DEADLINE)
                    .until(() -> handled.contains(good.id()));
            DeadLetterQueue dlq = broker.deadLetters(topic, group);
            Awaitility.await("three dead letters").atMost(DEADLINE).until(() -> dlq.count() == 3);
            assertThat(handled).as("what reached the handler").containsExactly(good.id());

            List<DeadLetter> letters = dlq.list(10);
            assertThat(letters).hasSize(3).allSatisfy(dl -> {
                assertThat(dl.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                assertThat(dl.group()).isEqualTo(group);
                assertThat(dl.exceptionClass()).hasValue("io.greenlang.messaging.PayloadDecodingException");
                assertThat(dl.message().header("greenlang.original-position")).isPresent();
                assertThat(dl.message().topic()).isEqualTo(topic);
            });
            DeadLetter foreign = letters.stream().filter(dl -> dl.message().payloadSize() == arbitrary.length)
                    .findFirst().orElseThrow();
            assertThat(foreign.message().payload()).as("the raw bytes").isEqualTo(arbitrary);
            assertThat(foreign.exceptionMessage()).contains("Not a GreenLang message envelope");
            assertThat(letters).anySatisfy(dl -> assertThat(dl.exceptionMessage()).contains("tombstone"));
            assertThat(letters).anySatisfy(dl -> assertThat(dl.exceptionMessage()).contains("truncated"));
            assertThat(broker.metrics().deadLettered()).isEqualTo(3);
        }
    }

    @Test
    void readShowsForeignRecordsAsRawMessages() throws Exception {
        String topic = "foreign-read-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect("kafka://" + SharedKafka.bootstrap())) {
            Message first = Message.builder(topic).text("first").build();
            broker.publish(first);
            try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                plain.send(new ProducerRecord<>(topic, 0, null, new byte[] {1, 2, 3})).get();
            }
            Message last = Message.builder(topic).text("last").build();
            broker.publish(last);
            var read = broker.read(topic, io.greenlang.messaging.Position.beginning(), 10);
            assertThat(read).hasSize(3);
            assertThat(read.get(0).message().id()).isEqualTo(first.id());
            assertThat(read.get(1).message().payload()).containsExactly(1, 2, 3);
            assertThat(read.get(1).message().header("greenlang.decode-error")).isPresent();
            assertThat(read.get(2).message().id()).isEqualTo(last.id());
        }
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A manual probe, not a test (tag {@code perf}, left out of {@code mvn verify}): the library against raw
 * kafka-clients with the same batching, in one run. {@code mvn -pl backend-kafka test -Dgroups=perf
 * -Dtest=PerformanceProbeTest -DexcludedGroups=none}. The project's benchmark harness is where figures for the
 * README come from; this only shows where the backend stands while it is being built.
 */
@Tag("perf")
@ExtendWith(SharedKafka.class)
class PerformanceProbeTest {
    private static final Logger LOG = LoggerFactory.getLogger(PerformanceProbeTest.class);
    private static final int N = Integer.getInteger("probe.messages", 200_000);
    private static final int SIZE = 100;

    @Test
    void publishDrainAndLatencyAgainstRawClients() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        for (int round = 0; round < 2; round++) {
            double rawPub = rawPublish(bootstrap, "probe-raw-" + UUID.randomUUID());
            double libPub = libraryPublish(bootstrap, "probe-lib-" + UUID.randomUUID());
            LOG.info("publish: raw {} msg/s, library {} msg/s, ratio {}", (long) rawPub, (long) libPub, libPub / rawPub);
        }
        String rawTopic = "probe-raw-drain-" + UUID.randomUUID();
        rawPublish(bootstrap, rawTopic);
        String libTopic = "probe-lib-drain-" + UUID.randomUUID();
        libraryPublish(bootstrap, libTopic);
        double rawDrain = rawDrain(bootstrap, rawTopic);
        double libDrain = libraryDrain(bootstrap, libTopic);
        LOG.info("drain: raw {} msg/s, library {} msg/s, ratio {}", (long) rawDrain, (long) libDrain, libDrain / rawDrain);
        long[] raw = rawLatency(bootstrap, "probe-raw-lat-" + UUID.randomUUID());
        long[] lib = libraryLatency(bootstrap, "probe-lib-lat-" + UUID.randomUUID());
        LOG.info("e2e at 10k msg/s: raw p50 {} us p99 {} us; library p50 {} us p99 {} us; p99 ratio {}",
                raw[0], raw[1], lib[0], lib[1], (double) lib[1] / raw[1]);
    }

    private static Map<String, Object> producerProps(String bootstrap) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs =
                    new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                specs.put(new org.apache.kafka.common.TopicPartition(topic, p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            org.awaitility.Awaitility.await("leaders of " + topic).atMost(Duration.ofSeconds(30))
                    .ignoreExceptions().until(() -> admin.listOffsets(specs).all().get() != null);
        }
    }

    private double rawPublish(String bootstrap, String topic) throws Exception {
        createTopic(bootstrap, topic);
        byte[] value = new byte[SIZE];
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, value)).get();
            Semaphore window = new Semaphore(10_000);
            long start = System.nanoTime();
            for (int i = 0; i < N; i++) {
                window.acquire();
                p.send(new ProducerRecord<>(topic, value), (md, e) -> window.release());
            }
            p.flush();
            return N / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double libraryPublish(String bootstrap, String topic) throws Exception {
        try (Broker broker = Brokers.connect("kafka://" + bootstrap)) {
            broker.publish(Message.builder(topic).payload(new byte[SIZE]).build());
            Semaphore window = new Semaphore(10_000);
            long start = System.nanoTime();
            CompletableFuture<?> last = null;
            for (int i = 0; i < N; i++) {
                window.acquire();
                last = broker.publishAsync(Message.builder(topic).payload(new byte[SIZE]).build())
                        .whenComplete((r, e) -> window.release()).toCompletableFuture();
            }
            window.acquire(10_000);
            last.join();
            return N / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double rawDrain(String bootstrap, String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(), ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                "consumer", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            int got = 0;
            long start = 0;
            while (got < N + 1) {
                var records = c.poll(Duration.ofMillis(100));
                if (start == 0 && !records.isEmpty()) {
                    start = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    got++;
                }
                c.commitAsync();
            }
            return N / ((System.nanoTime() - start) / 1e9);
        }
    }

    private double libraryDrain(String bootstrap, String topic) throws Exception {
        try (Broker broker = Brokers.connect("kafka://" + bootstrap)) {
            AtomicInteger got = new AtomicInteger();
            long[] start = {0};
            CountDownLatch done = new CountDownLatch(1);
            Subscription s = broker.subscribe(SubscriptionOptions.builder(topic, "probe-" + UUID.randomUUID())
                    .startPosition(StartPosition.EARLIEST).maxInFlight(1024).build(), d -> {
                        if (got.getAndIncrement() == 0) {
                            start[0] = System.nanoTime();
                        }
                        if (got.get() == N + 1) {
                            done.countDown();
                        }
                    });
            done.await(5, TimeUnit.MINUTES);
            double rate = N / ((System.nanoTime() - start[0]) / 1e9);
            s.close();
            return rate;
        }
    }

    private long[] rawLatency(String bootstrap, String topic) throws Exception {
        createTopic(bootstrap, topic);
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(), ConsumerConfig.GROUP_PROTOCOL_CONFIG,
                "consumer", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        int total = 50_000;
        long[] lat = new long[total];
        AtomicInteger n = new AtomicInteger();
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                c.subscribe(List.of(topic));
                while (n.get() < total) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        long sent = ByteBuffer.wrap(r.value()).getLong();
                        int i = n.getAndIncrement();
                        if (i < total) {
                            lat[i] = (System.nanoTime() - sent) / 1000;
                        }
                    }
                    c.commitAsync();
                }
            }
        });
        consumer.start();
        LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProps(bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            pace(total, i -> p.send(new ProducerRecord<>(topic,
                    ByteBuffer.allocate(SIZE).putLong(System.nanoTime()).array())));
        }
        consumer.join(60_000);
        return percentiles(lat);
    }

    private long[] libraryLatency(String bootstrap, String topic) throws Exception {
        int total = 50_000;
        long[] lat = new long[total];
        AtomicInteger n = new AtomicInteger();
        try (Broker broker = Brokers.connect("kafka://" + bootstrap)) {
            Subscription s = broker.subscribe(SubscriptionOptions.builder(topic, "probe-lat").build(), d -> {
                long sent = d.message().payloadBuffer().getLong();
                int i = n.getAndIncrement();
                if (i < total) {
                    lat[i] = (System.nanoTime() - sent) / 1000;
                }
            });
            pace(total, i -> broker.publishAsync(Message.builder(topic)
                    .payload(ByteBuffer.allocate(SIZE).putLong(System.nanoTime()).array()).build()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (n.get() < total && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000);
            }
            s.close();
        }
        return percentiles(lat);
    }

    private static void pace(int total, java.util.function.IntConsumer send) {
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * 100_000L; // 10 000 per second
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            send.accept(i);
        }
    }

    private static long[] percentiles(long[] lat) {
        long[] copy = lat.clone();
        Arrays.sort(copy);
        return new long[] {copy[copy.length / 2], copy[(int) (copy.length * 0.99)]};
    }
}

package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline for {@code kafka://}: kafka-clients used directly, one topic per run (as many partitions as the
 * library creates by default, 3) under a name unique to the benchmark, deleted with the admin client when the
 * run ends.
 * <ul>
 *   <li>Publishing: a {@code KafkaProducer<byte[], byte[]>} with the library's default producer settings
 *       (acks=all, idempotence on, linger 5 ms, batch.size 64 KiB, no compression); {@code send} per payload,
 *       a batch is a loop of sends; confirmation is every send's callback (no {@code flush()}, so linger applies as in the library).</li>
 *   <li>Consuming: one {@code KafkaConsumer} per consumer in one group (protocol {@code consumer}, earliest,
 *       max.poll.records 1000, fetch.max.wait 100 ms, as the library's), {@code commitAsync} after each poll.</li>
 * </ul>
 */
public final class KafkaClientsBaselineProvider implements BaselineProvider {
    static final int PARTITIONS = 3;
    private static final Duration POLL = Duration.ofMillis(100);

    @Override
    public Set<String> schemes() {
        return Set.of("kafka");
    }

    @Override
    public String description() {
        return "kafka-clients KafkaProducer (acks=all, idempotent, linger 5 ms, batch 64 KiB) / KafkaConsumer "
                + "poll + commitAsync";
    }

    @Override
    public BenchTarget create(BrokerConfig config) {
        return new KafkaTarget(bootstrapServers(config), description());
    }

    /** {@code host:port,...} for the client's bootstrap.servers; a host without a port gets 9092. */
    static String bootstrapServers(BrokerConfig config) {
        if (config.hosts().isEmpty()) {
            throw new BenchmarkException("Broker URL " + config.redactedUrl() + " names no Kafka broker.");
        }
        StringBuilder servers = new StringBuilder();
        for (String host : config.hosts()) {
            servers.append(servers.length() == 0 ? "" : ",")
                    .append(host.contains(":") && !host.endsWith("]") ? host : host + ":9092");
        }
        return servers.toString();
    }

    /** Creates {@code topic} with {@value #PARTITIONS} partitions and waits until every partition can take writes. */
    static void createTopic(Admin admin, String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("Interrupted while creating topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchmarkException("Creating topic " + topic + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until every partition's leader answers ListOffsets: producing right after CreateTopics can meet
     * NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retries then stall on OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    private static void awaitLeaders(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            partitions.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20); // the broker gives no event to wait on; polled until the deadline
            }
        }
    }

    static void deleteTopic(Admin admin, String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchmarkException("Deleting topic " + topic + " failed: " + e.getMessage(), e);
        }
    }

    /** The library's default producer settings, which every Kafka baseline uses. */
    static Map<String, Object> producerProps(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** The library's default consumer settings, which every Kafka baseline uses. */
    static Map<String, Object> consumerProps(String bootstrap, String group, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private static final class KafkaTarget extends RawTarget {
        private final String bootstrap;
        private final Admin admin;
        private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

        KafkaTarget(String bootstrap, String description) {
            super(description);
            this.bootstrap = bootstrap;
            Map<String, Object> props = new HashMap<>();
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            this.admin = Admin.create(props);
        }

        @Override
        public BenchChannel open(String name, int capacity) {
            String topic = "glm-bench-raw." + runId + "." + name;
            createTopic(admin, topic);
            return new KafkaChannel(this, topic);
        }

        void delete(String topic) {
            deleteTopic(admin, topic);
        }

        Map<String, Object> producerProps() {
            return KafkaClientsBaselineProvider.producerProps(bootstrap);
        }

        Map<String, Object> consumerProps(String group, String clientId) {
            return KafkaClientsBaselineProvider.consumerProps(bootstrap, group, clientId);
        }

        @Override
        public void close() {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static final class KafkaChannel implements BenchChannel {
        private final KafkaTarget target;
        private final String topic;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private long pending; // sends without a callback yet, guarded by this

        KafkaChannel(KafkaTarget target, String topic) {
            this.target = target;
            this.topic = topic;
            this.producer = new KafkaProducer<>(target.producerProps());
        }

        @Override
        public void publish(byte[] payload) {
            synchronized (this) {
                pending++;
            }
            producer.send(new ProducerRecord<>(topic, payload), (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                synchronized (this) {
                    if (--pending == 0) {
                        notifyAll();
                    }
                }
            });
        }

        @Override
        public void publishBatch(List<byte[]> payloads) {
            for (byte[] p : payloads) {
                publish(p);
            }
        }

        @Override
        public void awaitPublished(Duration timeout) {
            // no flush(): like the library target, wait for the send callbacks, so linger.ms applies
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (pending > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new BenchmarkException(pending + " sends to " + topic + " were not confirmed within "
                                + timeout);
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new BenchmarkException("Interrupted while waiting for send confirmations", e);
                    }
                }
            }
            Exception e = failure.get();
            if (e != null) {
                throw new BenchmarkException("Sending to " + topic + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void createGroup() {
            // a fresh group starts at the earliest offset, and the topic keeps everything for the run
        }

        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            List<KafkaConsumer<byte[], byte[]>> clients = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                clients.add(new KafkaConsumer<>(target.consumerProps("bench-" + topic, "raw-" + topic + "-" + i)));
            }
            ConsumerThreads threads = new ConsumerThreads("raw-kafka-" + topic, Duration.ofSeconds(15),
                    () -> clients.forEach(KafkaConsumer::wakeup));
            return threads.start(consumers, i -> () -> drain(clients.get(i), handler, threads));
        }

        private void drain(KafkaConsumer<byte[], byte[]> c, PayloadHandler handler, ConsumerThreads running) {
            try {
                c.subscribe(List.of(topic));
                while (running.active()) {
                    ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        handler.onMessage(ByteBuffer.wrap(r.value()).asReadOnlyBuffer());
                    }
                    c.commitAsync();
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }

        @Override
        public void close() {
            try {
                producer.close(Duration.ofSeconds(10));
            } finally {
                target.delete(topic);
            }
        }
    }
}

package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * The peer for {@code kafka://}: Spring Kafka as a team would use it instead of this library, built by hand
 * without an application context. Topics are made and deleted as for the raw baseline (3 partitions, a name unique
 * to the benchmark), and the clients get the raw baseline's settings.
 * <ul>
 *   <li>Publishing: {@code KafkaTemplate<byte[], byte[]>} over a {@code DefaultKafkaProducerFactory} (acks=all,
 *       idempotence on, linger 5 ms, batch.size 64 KiB); {@code send} per payload, a batch is a loop of sends;
 *       confirmation is every send's {@code CompletableFuture}.</li>
 *   <li>Consuming: a {@code ConcurrentMessageListenerContainer} with one consumer per benchmark consumer in one
 *       group, an {@code AcknowledgingMessageListener} that calls {@code acknowledge()} for each record, and
 *       {@code AckMode.MANUAL}: the container commits what was acknowledged after each poll, with Spring's default
 *       synchronous commit.</li>
 * </ul>
 */
public final class SpringKafkaPeerProvider implements BaselineProvider {
    private static final long POLL_MILLIS = 100;

    @Override
    public Set<String> schemes() {
        return Set.of("kafka");
    }

    @Override
    public String label() {
        return "peer";
    }

    @Override
    public String description() {
        return "Spring Kafka KafkaTemplate (acks=all, idempotent, linger 5 ms, batch 64 KiB) / "
                + "ConcurrentMessageListenerContainer, AckMode.MANUAL, acknowledge() per record";
    }

    @Override
    public BenchTarget create(BrokerConfig config) {
        return new SpringKafkaTarget(KafkaClientsBaselineProvider.bootstrapServers(config), description());
    }

    private static final class SpringKafkaTarget extends RawTarget {
        private final String bootstrap;
        private final Admin admin;
        private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

        SpringKafkaTarget(String bootstrap, String description) {
            super("peer", description);
            this.bootstrap = bootstrap;
            Map<String, Object> props = new HashMap<>();
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            this.admin = Admin.create(props);
        }

        @Override
        public BenchChannel open(String name, int capacity) {
            String topic = "glm-bench-peer." + runId + "." + name;
            KafkaClientsBaselineProvider.createTopic(admin, topic);
            return new SpringKafkaChannel(this, topic);
        }

        @Override
        public void close() {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static final class SpringKafkaChannel implements BenchChannel {
        private final SpringKafkaTarget target;
        private final String topic;
        private final DefaultKafkaProducerFactory<byte[], byte[]> producers;
        private final KafkaTemplate<byte[], byte[]> template;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private long pending; // sends not completed yet, guarded by this

        SpringKafkaChannel(SpringKafkaTarget target, String topic) {
            this.target = target;
            this.topic = topic;
            this.producers = new DefaultKafkaProducerFactory<>(KafkaClientsBaselineProvider.producerProps(target.bootstrap));
            this.template = new KafkaTemplate<>(producers);
            // the factory creates its shared producer on first use: here, not inside the first timed publish
            template.execute(producer -> null);
        }

        @Override
        public void publish(byte[] payload) {
            synchronized (this) {
                pending++;
            }
            template.send(topic, payload).whenComplete((result, error) -> {
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
            // KafkaTemplate has no batch send: the producer batches by itself (linger.ms, batch.size)
            for (byte[] p : payloads) {
                publish(p);
            }
        }

        @Override
        public void awaitPublished(Duration timeout) {
            // no flush(): wait for the send futures, so linger.ms applies as in the library and the raw baseline
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
            Throwable t = failure.get();
            if (t != null) {
                throw new BenchmarkException("Sending to " + topic + " failed: " + t.getMessage(), t);
            }
        }

        @Override
        public void createGroup() {
            // a fresh group starts at the earliest offset, and the topic keeps everything for the run
        }

        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            ContainerProperties props = new ContainerProperties(topic);
            props.setGroupId("bench-" + topic);
            props.setClientId("peer-" + topic);
            props.setAckMode(ContainerProperties.AckMode.MANUAL);
            props.setPollTimeout(POLL_MILLIS);
            props.setMessageListener((AcknowledgingMessageListener<byte[], byte[]>) (record, ack) -> {
                handler.onMessage(ByteBuffer.wrap(record.value()).asReadOnlyBuffer());
                ack.acknowledge();
            });
            // the group and client id above take the place of these in the consumer's configuration
            DefaultKafkaConsumerFactory<byte[], byte[]> factory = new DefaultKafkaConsumerFactory<>(
                    KafkaClientsBaselineProvider.consumerProps(target.bootstrap, "bench-" + topic, "peer-" + topic));
            ConcurrentMessageListenerContainer<byte[], byte[]> container =
                    new ConcurrentMessageListenerContainer<>(factory, props);
            container.setConcurrency(consumers);
            container.setBeanName("peer-kafka-" + topic);
            container.start();
            return container::stop; // stops every consumer and waits for it, committing what was acknowledged
        }

        @Override
        public void close() {
            try {
                producers.destroy();
            } finally {
                KafkaClientsBaselineProvider.deleteTopic(target.admin, topic);
            }
        }
    }
}

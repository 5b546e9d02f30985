package io.greenlang.messaging.kafka;

import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The clients a broker shares: one {@link Admin} client (topics, groups, offsets, health) and one idempotent
 * {@link KafkaProducer} (acks {@code all} by default) for every publish, retry and dead letter. Also the
 * configuration they are made with, and the cluster description that both the connect check and health use.
 * Thread-safe.
 */
final class KafkaClients implements AutoCloseable {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaSettings settings;
    private final KafkaCalls calls;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    private KafkaClients(KafkaSettings settings, KafkaCalls calls, Admin admin,
            KafkaProducer<byte[], byte[]> producer) {
        this.settings = settings;
        this.calls = calls;
        this.admin = admin;
        this.producer = producer;
    }

    /**
     * Creates the clients and checks that the cluster answers; closes what it created if that fails.
     *
     * @param brokerName the broker's redacted name, for the failure's message
     * @throws io.greenlang.messaging.ConfigurationException if an option is invalid
     * @throws ConnectionException if no broker answers within the request timeout
     * @throws io.greenlang.messaging.AuthenticationException if the broker refuses the credentials
     */
    static KafkaClients connect(KafkaSettings settings, KafkaCalls calls, String brokerName) {
        Admin admin = null;
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            admin = Admin.create(adminProperties(settings));
            producer = new KafkaProducer<>(producerProperties(settings), new ByteArraySerializer(),
                    new ByteArraySerializer());
            KafkaClients clients = new KafkaClients(settings, calls, admin, producer);
            clients.describeCluster(settings.requestTimeout());
            return clients;
        } catch (RuntimeException e) {
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            MessagingException failure = KafkaErrors.translate("Connecting to " + brokerName, e);
            if (failure instanceof MessagingTimeoutException) {
                throw new ConnectionException("No Kafka broker at " + settings.bootstrapServers() + " answered within "
                        + Durations.format(settings.requestTimeout()) + " (option request-timeout). Check the URL and that the "
                        + "brokers are up and reachable.", failure.getCause());
            }
            throw failure;
        }
    }

    static Map<String, Object> adminProperties(KafkaSettings settings) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.clientId() + "-admin");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis()));
        return props;
    }

    static Map<String, Object> producerProperties(KafkaSettings settings) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId() + "-producer");
        props.put(ProducerConfig.ACKS_CONFIG, settings.acks());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, settings.acks().equals("all") || settings.acks().equals("-1"));
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, settings.linger().toMillis()));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, settings.batchSize());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes(settings));
        // the producer refuses a record larger than its whole buffer (32 MiB by default)
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 2L * maxRecordBytes(settings)));
        int delivery = (int) Math.min(Integer.MAX_VALUE, settings.deliveryTimeout().toMillis());
        int request = (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(delivery,
                request + (int) Math.min(Integer.MAX_VALUE / 2, settings.linger().toMillis())));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, request);
        settings.clientProperties().forEach(props::put); // pass-through properties win
        return props;
    }

    /**
     * The largest record this backend writes, for the producer's {@code max.request.size} and each topic's
     * {@code max.message.bytes}: a message within the size limit (counted as its envelope's bytes) gives a value no
     * larger than the limit and a key no larger either, and headers (a dead letter's exception text is at most
     * 8192 characters) fit in the 64 KiB left over.
     */
    static int maxRecordBytes(KafkaSettings settings) {
        return (int) Math.min(Integer.MAX_VALUE - 1024, settings.maxMessageSize() * 2 + 64 * 1024);
    }

    Admin admin() {
        return admin;
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    /** The cluster's id and size, and how the broker reaches it: the details of {@code health()}. */
    Map<String, String> describeCluster(Duration timeout) {
        DescribeClusterResult r = admin.describeCluster(new DescribeClusterOptions()
                .timeoutMs((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("backend", "kafka");
        details.put("bootstrap", settings.bootstrapServers());
        details.put("cluster-id", String.valueOf(calls.await(r.clusterId().toCompletionStage(),
                "Describing the cluster")));
        Collection<?> nodes = calls.await(r.nodes().toCompletionStage(), "Describing the cluster");
        details.put("brokers", Integer.toString(nodes.size()));
        details.put("security-protocol", settings.securityProtocol());
        return details;
    }

    /** Closes the producer (sending what it holds, for up to 5 s), then the admin client. */
    @Override
    public void close() {
        try {
            producer.close(CLOSE_TIMEOUT);
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.BrokerProvider;
import java.util.Set;

/**
 * Provides {@code kafka://host1:9092,host2:9092} brokers (port 9092 when a host has none). Options, besides the
 * shared ones ({@code codec}, {@code max-message-size}, {@code retention}, default 7 days, applied as
 * {@code retention.ms} to the topics this backend creates):
 *
 * <table>
 *   <caption>Kafka options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code partitions}</td><td>3</td><td>partitions of every topic created on first use (each priority band
 *       and retry topic; dead-letter topics have one)</td></tr>
 *   <tr><td>{@code replication-factor}</td><td>the broker's</td><td>replication of created topics</td></tr>
 *   <tr><td>{@code min-insync-replicas}</td><td>the broker's</td><td>{@code min.insync.replicas} of created
 *       topics</td></tr>
 *   <tr><td>{@code acks}</td><td>{@code all}</td><td>producer acknowledgements; the producer is idempotent with
 *       {@code all}</td></tr>
 *   <tr><td>{@code linger}</td><td>5ms</td><td>how long the producer waits to fill a batch</td></tr>
 *   <tr><td>{@code batch-size}</td><td>64KiB</td><td>producer batch size per partition</td></tr>
 *   <tr><td>{@code compression}</td><td>none</td><td>none, gzip, snappy, lz4 or zstd</td></tr>
 *   <tr><td>{@code security.protocol}</td><td>from the others</td><td>PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL;
 *       SASL when a user is given, SSL when a trust store is</td></tr>
 *   <tr><td>{@code sasl.mechanism}</td><td>SCRAM-SHA-512</td><td>SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN</td></tr>
 *   <tr><td>{@code sasl.username}, {@code sasl.password}</td><td>the URL's user info</td><td>SASL credentials
 *       ({@code kafka://user:password@host:9092} works too)</td></tr>
 *   <tr><td>{@code ssl.truststore.location}, {@code .password}, {@code .type}, {@code ssl.truststore.certificates},
 *       {@code ssl.keystore.*}, {@code ssl.key.password}, {@code ssl.endpoint.identification.algorithm}</td>
 *       <td></td><td>TLS, as in kafka-clients</td></tr>
 *   <tr><td>{@code consumer-mode}</td><td>{@code classic}</td><td>only {@code classic}: consumer groups (the
 *       KIP-848 {@code consumer} group protocol, {@code group.protocol=consumer}) with per-message acknowledgement on
 *       top of offsets, as opposed to share groups, which are not offered (see docs/backend-kafka.md)</td></tr>
 *   <tr><td>{@code request-timeout}</td><td>30s</td><td>client request timeout, and how long blocking calls
 *       wait</td></tr>
 *   <tr><td>{@code delivery-timeout}</td><td>2m</td><td>how long the producer keeps retrying a send</td></tr>
 *   <tr><td>{@code join-timeout}</td><td>5s</td><td>how long {@code subscribe} waits for the new member to own its
 *       share of partitions</td></tr>
 *   <tr><td>{@code commit-interval}</td><td>100ms</td><td>how often completed offsets are committed</td></tr>
 *   <tr><td>{@code session-timeout}</td><td>10s</td><td>how long the group waits for a member that stopped
 *       heartbeating (a crashed process) before another member gets its partitions; set as the group config
 *       {@code consumer.session.timeout.ms} of the KIP-848 consumer group protocol, which the broker bounds by
 *       {@code group.consumer.min.session.timeout.ms} (default 45s) and {@code group.consumer.max.session.timeout.ms}
 *       (60s): lower the broker's minimum to use the default. Given explicitly and refused by the broker,
 *       {@code subscribe} fails; the default refused, the broker's own timeout applies and a warning says so</td></tr>
 *   <tr><td>{@code revoke-timeout}</td><td>4m</td><td>how long a revoked member waits for handed-out messages
 *       before giving them up</td></tr>
 *   <tr><td>{@code client-id}</td><td>greenlang</td><td>prefix of the Kafka client ids</td></tr>
 *   <tr><td>{@code kafka.<property>}</td><td></td><td>any kafka-clients property, passed unchanged to every
 *       client</td></tr>
 * </table>
 *
 * <p>Secrets (passwords, JAAS configuration) never appear in logs, exception messages, {@code toString()} or metric
 * tags: kafka-clients prints password-typed properties as {@code [hidden]}, and this backend never prints them.
 */
public final class KafkaBrokerProvider implements BrokerProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("kafka");
    }

    @Override
    public Set<String> options() {
        return KafkaSettings.OPTIONS;
    }

    @Override
    public Set<String> optionPrefixes() {
        return Set.of(KafkaSettings.KAFKA_PREFIX);
    }

    @Override
    public Broker create(BrokerConfig config) {
        return new KafkaBroker(config);
    }
}

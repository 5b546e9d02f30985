package io.greenlang.messaging.kafka;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.ConfigurationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The options of a {@code kafka://} broker, parsed and validated once, and the kafka-clients properties made from
 * them. Immutable. Secrets (the SASL password, key store and trust store passwords, any option whose name holds
 * {@code password}, {@code secret}, {@code token} or {@code jaas}) are kept only in {@link #clientProperties()},
 * which kafka-clients prints as {@code [hidden]}; they never appear in {@link #toString()} or exception messages.
 *
 * <p>See {@link KafkaBrokerProvider} for the list of options.
 */
final class KafkaSettings {
    static final String PARTITIONS = "partitions";
    static final String REPLICATION_FACTOR = "replication-factor";
    static final String MIN_INSYNC_REPLICAS = "min-insync-replicas";
    static final String ACKS = "acks";
    static final String LINGER = "linger";
    static final String BATCH_SIZE = "batch-size";
    static final String COMPRESSION = "compression";
    static final String CONSUMER_MODE = "consumer-mode";
    static final String REQUEST_TIMEOUT = "request-timeout";
    static final String DELIVERY_TIMEOUT = "delivery-timeout";
    static final String JOIN_TIMEOUT = "join-timeout";
    static final String COMMIT_INTERVAL = "commit-interval";
    static final String REVOKE_TIMEOUT = "revoke-timeout";
    static final String SESSION_TIMEOUT = "session-timeout";
    /** Take-over time after a crash: seconds, as agents need, not the broker's 45 s. */
    static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final String CLIENT_ID = "client-id";
    static final String SECURITY_PROTOCOL = "security.protocol";
    static final String SASL_MECHANISM = "sasl.mechanism";
    static final String SASL_USERNAME = "sasl.username";
    static final String SASL_PASSWORD = "sasl.password";
    static final String KAFKA_PREFIX = "kafka.";

    private static final List<String> SSL_OPTIONS = List.of(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, SslConfigs.SSL_KEY_PASSWORD_CONFIG,
            SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, SslConfigs.SSL_PROTOCOL_CONFIG);
    /** Every option of this backend, besides {@code kafka.<property>}: what the provider declares it reads. */
    static final Set<String> OPTIONS = Stream.concat(Stream.of(PARTITIONS, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS,
            ACKS, LINGER, BATCH_SIZE, COMPRESSION, CONSUMER_MODE, REQUEST_TIMEOUT, DELIVERY_TIMEOUT, JOIN_TIMEOUT,
            COMMIT_INTERVAL, REVOKE_TIMEOUT, SESSION_TIMEOUT, CLIENT_ID, SECURITY_PROTOCOL, SASL_MECHANISM, SASL_USERNAME,
            SASL_PASSWORD), SSL_OPTIONS.stream()).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private final String redactedUrl;
    private final String bootstrapServers;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final Optional<Integer> minInsyncReplicas;
    private final String acks;
    private final Duration linger;
    private final long batchSize;
    private final String compression;
    private final Duration requestTimeout;
    private final Duration deliveryTimeout;
    private final Duration joinTimeout;
    private final Duration commitInterval;
    private final Duration revokeTimeout;
    private final Duration sessionTimeout;
    private final boolean sessionTimeoutGiven;
    private final Duration retention;
    private final long maxMessageSize;
    private final String clientId;
    private final String securityProtocol;
    private final Optional<String> saslMechanism;
    private final Optional<String> saslUsername;
    private final Map<String, Object> clientProperties;

    KafkaSettings(BrokerConfig config) {
        this.redactedUrl = config.redactedUrl();
        if (config.hosts().isEmpty()) {
            throw new ConfigurationException("Broker URL " + redactedUrl + " names no Kafka broker. Write it as "
                    + "kafka://host1:9092,host2:9092.");
        }
        StringBuilder servers = new StringBuilder();
        for (String host : config.hosts()) {
            servers.append(servers.length() == 0 ? "" : ",").append(host.contains(":") && !host.endsWith("]")
                    ? host : host + ":9092");
        }
        this.bootstrapServers = servers.toString();
        this.partitions = positive(config, PARTITIONS, config.intOption(PARTITIONS, 3));
        int rf = config.intOption(REPLICATION_FACTOR, -1);
        if (rf == 0 || rf < -1 || rf > Short.MAX_VALUE) {
            throw invalid(REPLICATION_FACTOR, Integer.toString(rf), "a positive number, or -1 for the broker default");
        }
        this.replicationFactor = rf == -1 ? Optional.empty() : Optional.of((short) rf);
        int minIsr = config.intOption(MIN_INSYNC_REPLICAS, -1);
        this.minInsyncReplicas = minIsr <= 0 ? Optional.empty() : Optional.of(minIsr);
        this.acks = config.option(ACKS).orElse("all").trim().toLowerCase(Locale.ROOT);
        if (!Set.of("all", "-1", "0", "1").contains(acks)) {
            throw invalid(ACKS, acks, "all, 1 or 0");
        }
        this.linger = config.durationOption(LINGER, Duration.ofMillis(5));
        this.batchSize = config.sizeOption(BATCH_SIZE, 64 * 1024);
        if (batchSize > Integer.MAX_VALUE) {
            throw invalid(BATCH_SIZE, Long.toString(batchSize), "a size below 2 GiB");
        }
        this.compression = config.option(COMPRESSION).orElse("none").trim().toLowerCase(Locale.ROOT);
        if (!Set.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            throw invalid(COMPRESSION, compression, "none, gzip, snappy, lz4 or zstd");
        }
        String mode = config.option(CONSUMER_MODE).orElse("classic").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("classic")) {
            throw new ConfigurationException("Option '" + CONSUMER_MODE + "' of " + redactedUrl + " is '" + mode
                    + "'; only 'classic' (consumer groups with per-message acknowledgement on top of offsets) is "
                    + "offered. Share groups (KIP-932) are not: see docs/backend-kafka.md for why.");
        }
        this.requestTimeout = positive(config, REQUEST_TIMEOUT, config.durationOption(REQUEST_TIMEOUT,
                Duration.ofSeconds(30)));
        this.deliveryTimeout = positive(config, DELIVERY_TIMEOUT, config.durationOption(DELIVERY_TIMEOUT,
                Duration.ofMinutes(2)));
        this.joinTimeout = config.durationOption(JOIN_TIMEOUT, Duration.ofSeconds(5));
        this.commitInterval = positive(config, COMMIT_INTERVAL, config.durationOption(COMMIT_INTERVAL,
                Duration.ofMillis(100)));
        this.revokeTimeout = config.durationOption(REVOKE_TIMEOUT, Duration.ofMinutes(4));
        this.sessionTimeoutGiven = config.option(SESSION_TIMEOUT).isPresent();
        this.sessionTimeout = config.durationOption(SESSION_TIMEOUT, DEFAULT_SESSION_TIMEOUT);
        if (sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0 || sessionTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw invalid(SESSION_TIMEOUT, sessionTimeout.toString(), "a duration from 1s to 30m (the broker's "
                    + "group.consumer.min.session.timeout.ms and group.consumer.max.session.timeout.ms bound it "
                    + "further)");
        }
        this.retention = config.retention();
        this.maxMessageSize = config.maxMessageSize();
        this.clientId = config.option(CLIENT_ID).orElse("greenlang");
        this.saslUsername = config.option(SASL_USERNAME).or(config::username);
        Optional<String> password = config.option(SASL_PASSWORD).or(config::password);
        this.saslMechanism = config.option(SASL_MECHANISM).map(m -> m.trim().toUpperCase(Locale.ROOT))
                .or(() -> saslUsername.map(u -> "SCRAM-SHA-512"));
        if (saslMechanism.isPresent() && !MECHANISMS.contains(saslMechanism.get())) {
            throw invalid(SASL_MECHANISM, saslMechanism.get(), "one of " + MECHANISMS);
        }
        boolean tls = SSL_OPTIONS.stream().anyMatch(o -> config.option(o).isPresent());
        this.securityProtocol = config.option(SECURITY_PROTOCOL).map(p -> p.trim().toUpperCase(Locale.ROOT))
                .orElse(saslMechanism.isPresent() ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : (tls ? "SSL" : "PLAINTEXT"));
        if (!PROTOCOLS.contains(securityProtocol)) {
            throw invalid(SECURITY_PROTOCOL, securityProtocol, "one of " + PROTOCOLS);
        }
        boolean sasl = securityProtocol.startsWith("SASL_");
        if (sasl && (saslUsername.isEmpty() || password.isEmpty())
                && config.option(KAFKA_PREFIX + SaslConfigs.SASL_JAAS_CONFIG).isEmpty()) {
            throw new ConfigurationException("Broker URL " + redactedUrl + " uses " + securityProtocol
                    + " but gives no user name and password. Put them in the URL (kafka://user:password@host:9092), in "
                    + "options sasl.username and sasl.password, or in GREENLANG_MESSAGING_USERNAME and "
                    + "GREENLANG_MESSAGING_PASSWORD.");
        }

        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                requestTimeout.toMillis()));
        if (sasl && saslUsername.isPresent() && password.isPresent()) {
            String mechanism = saslMechanism.orElse("SCRAM-SHA-512");
            props.put(SaslConfigs.SASL_MECHANISM, mechanism);
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            props.put(SaslConfigs.SASL_JAAS_CONFIG, new org.apache.kafka.common.config.types.Password(module
                    + " required username=\"" + jaasEscape(saslUsername.get()) + "\" password=\""
                    + jaasEscape(password.get()) + "\";"));
        }
        for (String ssl : SSL_OPTIONS) {
            config.option(ssl).ifPresent(v -> props.put(ssl, v));
        }
        config.options().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                props.put(k.substring(KAFKA_PREFIX.length()), v);
            }
        });
        this.clientProperties = Map.copyOf(props);
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private int positive(BrokerConfig config, String name, int value) {
        if (value < 1) {
            throw invalid(name, Integer.toString(value), "a positive integer");
        }
        return value;
    }

    private Duration positive(BrokerConfig config, String name, Duration value) {
        if (value.isZero()) {
            throw invalid(name, value.toString(), "a positive duration");
        }
        return value;
    }

    private ConfigurationException invalid(String name, String value, String expected) {
        String shown = BrokerConfig.isSecret(name) ? "***" : "'" + value + "'";
        return new ConfigurationException("Option '" + name + "' of " + redactedUrl + " is " + shown + "; expected "
                + expected + ".");
    }

    /** Properties shared by every client: bootstrap servers, security (secrets included) and pass-through ones. */
    Map<String, Object> clientProperties() {
        return clientProperties;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    int partitions() {
        return partitions;
    }

    Optional<Short> replicationFactor() {
        return replicationFactor;
    }

    Optional<Integer> minInsyncReplicas() {
        return minInsyncReplicas;
    }

    String acks() {
        return acks;
    }

    Duration linger() {
        return linger;
    }

    int batchSize() {
        return (int) batchSize;
    }

    String compression() {
        return compression;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    Duration joinTimeout() {
        return joinTimeout;
    }

    Duration commitInterval() {
        return commitInterval;
    }

    Duration revokeTimeout() {
        return revokeTimeout;
    }

    /**
     * How long the group waits for a member that stopped heartbeating (a crash) before giving its partitions to the
     * others: the group config {@code consumer.session.timeout.ms} of the KIP-848 consumer group protocol.
     */
    Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** Whether {@link #sessionTimeout()} was asked for, rather than the default. */
    boolean sessionTimeoutGiven() {
        return sessionTimeoutGiven;
    }

    Duration retention() {
        return retention;
    }

    long maxMessageSize() {
        return maxMessageSize;
    }

    String clientId() {
        return clientId;
    }

    String securityProtocol() {
        return securityProtocol;
    }

    /** No secrets. */
    @Override
    public String toString() {
        return "KafkaSettings{" + redactedUrl + ", partitions=" + partitions + ", replicationFactor="
                + replicationFactor.map(String::valueOf).orElse("broker default") + ", acks=" + acks + ", linger="
                + linger + ", batchSize=" + batchSize + ", compression=" + compression + ", securityProtocol="
                + securityProtocol + saslMechanism.map(m -> ", saslMechanism=" + m).orElse("")
                + saslUsername.map(u -> ", saslUsername=" + u).orElse("") + "}";
    }
}

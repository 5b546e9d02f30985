package io.greenlang.messaging.redis;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Redis backend's reading of a {@link BrokerConfig}: endpoints, credentials, TLS material, timeouts and
 * key layout, validated once. Immutable. {@link #toString()} never shows the password.
 */
record RedisSettings(
        Mode mode,
        List<HostAndPort> endpoints,
        int database,
        Optional<String> username,
        Optional<String> password,
        boolean tls,
        Verify verifyPeer,
        Optional<Path> trustCert,
        Optional<Path> trustStore,
        Optional<String> trustStorePassword,
        Optional<Path> clientCert,
        Optional<Path> clientKey,
        Optional<String> clientKeyPassword,
        Duration connectTimeout,
        Duration commandTimeout,
        Duration blockTimeout,
        String keyPrefix,
        Duration retention,
        long maxLength,
        Optional<Sentinel> sentinel,
        ReplicaAcks replicaAcks) {

    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String COMMAND_TIMEOUT = "command-timeout";
    static final String BLOCK_TIMEOUT = "block-timeout";
    static final String KEY_PREFIX = "key-prefix";
    static final String MAX_LENGTH = "max-length";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String TLS = "tls";
    static final String TLS_VERIFY_PEER = "tls.verify-peer";
    static final String TLS_TRUST_CERT = "tls.trust-cert";
    static final String TLS_TRUST_STORE = "tls.trust-store";
    static final String TLS_TRUST_STORE_PASSWORD = "tls.trust-store-password";
    static final String TLS_CLIENT_CERT = "tls.client-cert";
    static final String TLS_CLIENT_KEY = "tls.client-key";
    static final String TLS_CLIENT_KEY_PASSWORD = "tls.client-key-password";
    static final String MASTER = "master";
    static final String SENTINEL_USERNAME = "sentinel.username";
    static final String SENTINEL_PASSWORD = "sentinel.password";
    static final String REPLICA_ACKS = "replica-acks";
    static final String REPLICA_ACK_TIMEOUT = "replica-ack-timeout";
    /** Every option above: what the provider declares it reads. */
    static final Set<String> OPTIONS = Set.of(CONNECT_TIMEOUT, COMMAND_TIMEOUT, BLOCK_TIMEOUT, KEY_PREFIX, MAX_LENGTH,
            USERNAME, PASSWORD, TLS, TLS_VERIFY_PEER, TLS_TRUST_CERT, TLS_TRUST_STORE, TLS_TRUST_STORE_PASSWORD,
            TLS_CLIENT_CERT, TLS_CLIENT_KEY, TLS_CLIENT_KEY_PASSWORD, MASTER, SENTINEL_USERNAME, SENTINEL_PASSWORD,
            REPLICA_ACKS, REPLICA_ACK_TIMEOUT);

    static final int DEFAULT_PORT = 6379;
    static final int DEFAULT_SENTINEL_PORT = 26379;

    /** Standalone server, Redis Cluster, or a master found through Redis Sentinel. */
    enum Mode {
        STANDALONE,
        CLUSTER,
        SENTINEL
    }

    /**
     * How to find the master through the sentinels ({@link #endpoints()}): the name they monitor it under, and
     * the sentinels' own credentials, which may differ from the data nodes'.
     */
    record Sentinel(String master, Optional<String> username, Optional<String> password) {
        @Override
        public String toString() {
            return "Sentinel{master=" + master + ", user=" + username.orElse("(none)") + ", password="
                    + (password.isPresent() ? "***" : "(none)") + "}";
        }
    }

    /**
     * Replication a publish waits for: confirmed only once {@code count} replicas have it ({@code WAIT count
     * timeout}); 0 confirms on the master's reply alone.
     */
    record ReplicaAcks(int count, Duration timeout) {
        static final ReplicaAcks NONE = new ReplicaAcks(0, Duration.ZERO);

        boolean enabled() {
            return count > 0;
        }
    }

    /** How much of the server's certificate is checked. */
    enum Verify {
        /** The chain and the host name. */
        FULL,
        /** The chain only. */
        CA,
        /** Nothing: encryption without authentication of the server. */
        NONE
    }

    /** One {@code host:port} of the URL. */
    record HostAndPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * Reads and validates the configuration.
     *
     * @throws ConfigurationException if the scheme, a host, the database or an option is invalid
     */
    static RedisSettings from(BrokerConfig config) {
        String scheme = config.scheme();
        Mode mode;
        boolean tls;
        switch (scheme) {
            case "redis":
                mode = Mode.STANDALONE;
                tls = config.booleanOption(TLS, false);
                break;
            case "rediss":
                mode = Mode.STANDALONE;
                tls = true;
                break;
            case "redis-cluster":
                mode = Mode.CLUSTER;
                tls = config.booleanOption(TLS, false);
                break;
            case "redis-sentinel":
                mode = Mode.SENTINEL;
                tls = config.booleanOption(TLS, false);
                break;
            case "rediss-sentinel":
                mode = Mode.SENTINEL;
                tls = true;
                break;
            default:
                throw new ConfigurationException("The Redis backend handles redis://, rediss://, redis-cluster://, "
                        + "redis-sentinel:// and rediss-sentinel:// URLs, not " + scheme + "://.");
        }
        int defaultPort = mode == Mode.SENTINEL ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT;
        List<HostAndPort> endpoints = new ArrayList<>();
        for (String host : config.hosts()) {
            endpoints.add(parseHost(config, host, defaultPort));
        }
        if (endpoints.isEmpty()) {
            endpoints.add(new HostAndPort("localhost", defaultPort));
        }
        if (mode == Mode.STANDALONE && endpoints.size() > 1) {
            throw new ConfigurationException("URL " + config.redactedUrl() + " names " + endpoints.size()
                    + " hosts; a " + scheme + ":// URL names one server. For Redis Cluster write redis-cluster://"
                    + String.join(",", config.hosts()) + "; for sentinels, redis-sentinel://"
                    + String.join(",", config.hosts()) + "?master=NAME.");
        }
        int database = 0;
        if (!config.path().isEmpty()) {
            try {
                database = Integer.parseInt(config.path());
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw new ConfigurationException("URL " + config.redactedUrl() + " has path '/" + config.path()
                        + "'; the path of a Redis URL is a database number such as /0.");
            }
            if (mode == Mode.CLUSTER && database != 0) {
                throw new ConfigurationException("URL " + config.redactedUrl() + " selects database " + database
                        + ", but Redis Cluster has only database 0.");
            }
        }
        Optional<String> username = config.username().or(() -> config.option(USERNAME)).filter(s -> !s.isEmpty());
        Optional<String> password = config.password().or(() -> config.option(PASSWORD));
        if (username.isPresent() && password.isEmpty()) {
            throw new ConfigurationException("URL " + config.redactedUrl() + " names user '" + username.get()
                    + "' without a password. Give it in the URL (redis://user:password@host) or as option 'password'.");
        }

        Verify verify = parseVerify(config);
        Optional<Path> trustCert = file(config, TLS_TRUST_CERT);
        Optional<Path> trustStore = file(config, TLS_TRUST_STORE);
        Optional<Path> clientCert = file(config, TLS_CLIENT_CERT);
        Optional<Path> clientKey = file(config, TLS_CLIENT_KEY);
        if (trustCert.isPresent() && trustStore.isPresent()) {
            throw new ConfigurationException("Options " + TLS_TRUST_CERT + " and " + TLS_TRUST_STORE + " of "
                    + config.redactedUrl() + " are both set; give one of them.");
        }
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw new ConfigurationException("Options " + TLS_CLIENT_CERT + " and " + TLS_CLIENT_KEY + " of "
                    + config.redactedUrl() + " go together: give both PEM files, or neither.");
        }
        if (!tls && (trustCert.isPresent() || trustStore.isPresent() || clientCert.isPresent())) {
            throw new ConfigurationException("TLS options are set for " + config.redactedUrl() + ", which does not use TLS."
                    + " Use a rediss:// URL" + (mode == Mode.CLUSTER ? " (for a cluster: option tls=true)" : "")
                    + ".");
        }

        Duration connectTimeout = positive(config, CONNECT_TIMEOUT, Duration.ofSeconds(10));
        Duration commandTimeout = positive(config, COMMAND_TIMEOUT, Duration.ofSeconds(10));
        Duration blockTimeout = positive(config, BLOCK_TIMEOUT, Duration.ofSeconds(1));
        if (blockTimeout.compareTo(commandTimeout) >= 0) {
            throw new ConfigurationException("Option " + BLOCK_TIMEOUT + " (" + Durations.format(blockTimeout) + ") of "
                    + config.redactedUrl() + " must be shorter than " + COMMAND_TIMEOUT + " ("
                    + Durations.format(commandTimeout) + ").");
        }
        String prefix = config.option(KEY_PREFIX).orElse("glm");
        if (!prefix.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new ConfigurationException("Option " + KEY_PREFIX + " of " + config.redactedUrl() + " is '" + prefix
                    + "'; expected 1 to 64 characters from [A-Za-z0-9._:-].");
        }
        long maxLength = 0;
        if (config.option(MAX_LENGTH).isPresent()) {
            maxLength = config.sizeOption(MAX_LENGTH, 0);
        }
        return new RedisSettings(mode, List.copyOf(endpoints), database, username, password, tls, verify, trustCert,
                trustStore, config.option(TLS_TRUST_STORE_PASSWORD), clientCert, clientKey,
                config.option(TLS_CLIENT_KEY_PASSWORD), connectTimeout, commandTimeout, blockTimeout, prefix,
                config.retention(), maxLength, sentinel(config, mode), replicaAcks(config, commandTimeout));
    }

    private static Optional<Sentinel> sentinel(BrokerConfig config, Mode mode) {
        Optional<String> master = config.option(MASTER).map(String::trim);
        if (mode != Mode.SENTINEL) {
            for (String option : List.of(MASTER, SENTINEL_USERNAME, SENTINEL_PASSWORD)) {
                if (config.option(option).isPresent()) {
                    throw new ConfigurationException("Option " + option + " of " + config.redactedUrl() + " is for "
                            + "Redis Sentinel; use a redis-sentinel:// URL naming the sentinels, such as "
                            + "redis-sentinel://s1:26379,s2:26379?master=mymaster.");
                }
            }
            return Optional.empty();
        }
        if (master.isEmpty() || master.get().isEmpty()) {
            throw new ConfigurationException("URL " + config.redactedUrl() + " names no master: add ?" + MASTER
                    + "=NAME, the name the sentinels monitor it under (sentinel monitor NAME host port quorum).");
        }
        Optional<String> user = config.option(SENTINEL_USERNAME).filter(s -> !s.isEmpty());
        Optional<String> password = config.option(SENTINEL_PASSWORD);
        if (user.isPresent() && password.isEmpty()) {
            throw new ConfigurationException("Option " + SENTINEL_USERNAME + " of " + config.redactedUrl()
                    + " names a sentinel user without a password; set option " + SENTINEL_PASSWORD + " too.");
        }
        return Optional.of(new Sentinel(master.get(), user, password));
    }

    private static ReplicaAcks replicaAcks(BrokerConfig config, Duration commandTimeout) {
        int count = config.intOption(REPLICA_ACKS, 0);
        if (count < 0) {
            throw new ConfigurationException("Option " + REPLICA_ACKS + " of " + config.redactedUrl() + " is " + count
                    + "; expected the number of replicas a publish waits for (0, the default, waits for none).");
        }
        if (count == 0) {
            if (config.option(REPLICA_ACK_TIMEOUT).isPresent()) {
                throw new ConfigurationException("Option " + REPLICA_ACK_TIMEOUT + " of " + config.redactedUrl()
                        + " has no effect without option " + REPLICA_ACKS + "; set " + REPLICA_ACKS
                        + "=1 (or more) to wait for replicas.");
            }
            return ReplicaAcks.NONE;
        }
        Duration timeout = positive(config, REPLICA_ACK_TIMEOUT, Duration.ofSeconds(1));
        if (timeout.compareTo(commandTimeout) >= 0) {
            throw new ConfigurationException("Option " + REPLICA_ACK_TIMEOUT + " (" + Durations.format(timeout)
                    + ") of " + config.redactedUrl() + " must be shorter than " + COMMAND_TIMEOUT + " ("
                    + Durations.format(commandTimeout) + "): WAIT blocks for that long.");
        }
        return new ReplicaAcks(count, timeout);
    }

    /** The secrets to keep out of messages: the password and the key store passwords. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        password.ifPresent(secrets::add);
        sentinel.flatMap(Sentinel::password).ifPresent(secrets::add);
        trustStorePassword.ifPresent(secrets::add);
        clientKeyPassword.ifPresent(secrets::add);
        return secrets;
    }

    /** The user name for messages: the ACL user, or {@code default}. */
    String userForMessages() {
        return username.orElse("default");
    }

    /** The endpoints for messages and health details, without credentials. */
    String endpointsForMessages() {
        StringBuilder sb = new StringBuilder();
        for (HostAndPort e : endpoints) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "RedisSettings{mode=" + mode + ", endpoints=" + endpoints + ", database=" + database + ", user="
                + username.orElse("(default)") + ", password=" + (password.isPresent() ? "***" : "(none)") + ", tls="
                + tls + ", verifyPeer=" + verifyPeer + ", keyPrefix=" + keyPrefix + ", retention=" + retention
                + ", maxLength=" + maxLength + sentinel.map(x -> ", " + x).orElse("") + ", replicaAcks="
                + replicaAcks.count() + ", connectTimeout=" + connectTimeout + ", commandTimeout="
                + commandTimeout + ", blockTimeout=" + blockTimeout + "}";
    }

    private static HostAndPort parseHost(BrokerConfig config, String host, int defaultPort) {
        String name = host;
        int port = defaultPort;
        int colon = host.lastIndexOf(':');
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            name = host.substring(1, close);
            if (close + 1 < host.length()) {
                port = Integer.parseInt(host.substring(close + 2));
            }
        } else if (colon >= 0) {
            name = host.substring(0, colon);
            port = Integer.parseInt(host.substring(colon + 1));
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationException("URL " + config.redactedUrl() + " has port " + port
                    + "; ports are from 1 to 65535.");
        }
        return new HostAndPort(name, port);
    }

    private static Verify parseVerify(BrokerConfig config) {
        String v = config.option(TLS_VERIFY_PEER).orElse("full").trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "true":
            case "full":
                return Verify.FULL;
            case "ca":
                return Verify.CA;
            case "false":
            case "none":
                return Verify.NONE;
            default:
                throw new ConfigurationException("Option " + TLS_VERIFY_PEER + " of " + config.redactedUrl() + " is '"
                        + v + "'; expected full (or true), ca, or none (or false).");
        }
    }

    private static Optional<Path> file(BrokerConfig config, String option) {
        Optional<String> value = config.option(option);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(value.get());
        if (!Files.isReadable(path)) {
            throw new ConfigurationException("Option " + option + " of " + config.redactedUrl() + " names file "
                    + path + ", which does not exist or cannot be read.");
        }
        return Optional.of(path);
    }

    private static Duration positive(BrokerConfig config, String option, Duration defaultValue) {
        Duration d = config.durationOption(option, defaultValue);
        if (d.isZero()) {
            throw new ConfigurationException("Option " + option + " of " + config.redactedUrl()
                    + " is zero; expected a positive duration such as 500ms or 10s.");
        }
        return d;
    }
}

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
        long maxLength) {

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
    /** Every option above: what the provider declares it reads. */
    static final Set<String> OPTIONS = Set.of(CONNECT_TIMEOUT, COMMAND_TIMEOUT, BLOCK_TIMEOUT, KEY_PREFIX, MAX_LENGTH,
            USERNAME, PASSWORD, TLS, TLS_VERIFY_PEER, TLS_TRUST_CERT, TLS_TRUST_STORE, TLS_TRUST_STORE_PASSWORD,
            TLS_CLIENT_CERT, TLS_CLIENT_KEY, TLS_CLIENT_KEY_PASSWORD);

    static final int DEFAULT_PORT = 6379;

    /** Standalone server or Redis Cluster. */
    enum Mode {
        STANDALONE,
        CLUSTER
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
            default:
                throw new ConfigurationException("The Redis backend handles redis://, rediss:// and redis-cluster:// URLs, not "
                        + scheme + "://.");
        }
        List<HostAndPort> endpoints = new ArrayList<>();
        for (String host : config.hosts()) {
            endpoints.add(parseHost(config, host));
        }
        if (endpoints.isEmpty()) {
            endpoints.add(new HostAndPort("localhost", DEFAULT_PORT));
        }
        if (mode == Mode.STANDALONE && endpoints.size() > 1) {
            throw new ConfigurationException("URL " + config.redactedUrl() + " names " + endpoints.size()
                    + " hosts; a " + scheme + ":// URL names one server. For Redis Cluster write redis-cluster://"
                    + String.join(",", config.hosts()) + ".");
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
                config.retention(), maxLength);
    }

    /** The secrets to keep out of messages: the password and the key store passwords. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        password.ifPresent(secrets::add);
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
                + ", maxLength=" + maxLength + ", connectTimeout=" + connectTimeout + ", commandTimeout="
                + commandTimeout + ", blockTimeout=" + blockTimeout + "}";
    }

    private static HostAndPort parseHost(BrokerConfig config, String host) {
        String name = host;
        int port = DEFAULT_PORT;
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

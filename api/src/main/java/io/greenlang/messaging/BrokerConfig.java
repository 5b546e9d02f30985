package io.greenlang.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a broker is and how to talk to it: a URL plus options. Immutable.
 *
 * <p>URLs have the form {@code scheme://[user[:password]@]host[:port][,host[:port]...][/path][?option=value&...]},
 * for example {@code memory://}, {@code memory://shared}, {@code redis://app:secret@localhost:6379},
 * {@code rediss://...}, {@code redis-cluster://h1:7000,h2:7001} or {@code kafka://h1:9092,h2:9092}. Query
 * parameters become options; options given explicitly win over them.
 *
 * <p>Options shared by every backend: {@code codec} ({@code json}, the default, or {@code msgpack}),
 * {@code max-message-size} (bytes, or with a unit: {@code 512KiB}, {@code 1MiB}; default 1 MiB) and
 * {@code retention} (an ISO-8601 duration such as {@code P7D}, or {@code 7d}, {@code 12h}, {@code 30m},
 * {@code 10s}, {@code 500ms}; default 7 days) and {@code metrics-name}. Backends document their own; an option
 * the backend does not read fails {@link Brokers#connect} with the closest known name.
 *
 * <p>The password never appears in {@link #toString()}, {@link #redactedUrl()} or exception messages; nor
 * does any option whose name contains {@code password}, {@code secret}, {@code token} or {@code jaas}.
 */
public final class BrokerConfig {
    /** The environment variable {@link #fromEnvironment()} reads the URL from. */
    public static final String ENV_URL = "GREENLANG_MESSAGING_URL";
    /** Prefix of environment variables read as options, user name and password. */
    public static final String ENV_PREFIX = "GREENLANG_MESSAGING_";

    public static final String CODEC = "codec";
    public static final String MAX_MESSAGE_SIZE = "max-message-size";
    public static final String RETENTION = "retention";
    /** The {@code broker} tag of the library's metrics; default the backend's name. */
    public static final String METRICS_NAME = "metrics-name";
    /** The options every backend reads. */
    public static final Set<String> COMMON_OPTIONS = Set.of(CODEC, MAX_MESSAGE_SIZE, RETENTION, METRICS_NAME);
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private final String scheme;
    private final String username;
    private final String password;
    private final List<String> hosts;
    private final String path;
    private final Map<String, String> options;

    private BrokerConfig(Builder b) {
        this.scheme = b.scheme;
        this.username = b.username;
        this.password = b.password;
        this.hosts = List.copyOf(b.hosts);
        this.path = b.path;
        this.options = Map.copyOf(b.options);
        maxMessageSize(); // validate early
        retention();
    }

    /**
     * Parses a URL.
     *
     * @throws ConfigurationException if it is not of the documented form
     */
    public static BrokerConfig parse(String url) {
        return builder(url).build();
    }

    /**
     * A builder that starts from {@code url}.
     *
     * @throws ConfigurationException if it is not of the documented form
     */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Reads the process environment; see {@link #fromEnvironment(Map)}. */
    public static BrokerConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads a configuration from environment variables: the URL from {@value #ENV_URL}, the user name and
     * password from {@code GREENLANG_MESSAGING_USERNAME} and {@code GREENLANG_MESSAGING_PASSWORD}, and every
     * other {@code GREENLANG_MESSAGING_NAME} as option {@code name}, lower-cased, with {@code __} read as
     * {@code .} and {@code _} as {@code -} (so {@code GREENLANG_MESSAGING_MAX_MESSAGE_SIZE} is
     * {@code max-message-size}).
     *
     * @throws ConfigurationException if {@value #ENV_URL} is missing or invalid
     */
    public static BrokerConfig fromEnvironment(Map<String, String> environment) {
        String url = environment.get(ENV_URL);
        if (url == null || url.isBlank()) {
            throw new ConfigurationException("Environment variable " + ENV_URL
                    + " is not set. Set it to a broker URL such as memory://, redis://localhost:6379 or "
                    + "kafka://localhost:9092.");
        }
        Builder b = builder(url);
        new TreeMap<>(environment).forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX) || name.equals(ENV_URL)) {
                return;
            }
            String key = name.substring(ENV_PREFIX.length());
            if (key.equals("USERNAME")) {
                b.username(value);
            } else if (key.equals("PASSWORD")) {
                b.password(value);
            } else {
                b.option(key.toLowerCase(Locale.ROOT).replace("__", ".").replace('_', '-'), value);
            }
        });
        return b.build();
    }

    public Builder mutate() {
        Builder b = new Builder(scheme + "://");
        b.username = username;
        b.password = password;
        b.hosts = hosts;
        b.path = path;
        b.options.putAll(options);
        return b;
    }

    /** The URL scheme, lower case: {@code memory}, {@code redis}, {@code kafka}... */
    public String scheme() {
        return scheme;
    }

    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The password; keep it out of logs. */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The {@code host[:port]} entries of the URL, in order; empty for {@code memory://}. */
    public List<String> hosts() {
        return hosts;
    }

    /** The URL's path without the leading slash; empty if it has none. */
    public String path() {
        return path;
    }

    /** Every option, the URL's query parameters included. Secret values are present: keep them out of logs. */
    public Map<String, String> options() {
        return options;
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The codec name; default {@code json}. */
    public String codec() {
        return options.getOrDefault(CODEC, "json");
    }

    /**
     * The largest message accepted, in bytes as stored; default 1 MiB. Every string field counts in UTF-8 bytes, and
     * the envelope adds about 60 bytes: see {@link MessageTooLargeException}.
     */
    public long maxMessageSize() {
        return sizeOption(MAX_MESSAGE_SIZE, DEFAULT_MAX_MESSAGE_SIZE);
    }

    /** How long the log keeps messages; default 7 days. */
    public Duration retention() {
        return durationOption(RETENTION, DEFAULT_RETENTION);
    }

    /**
     * An integer option.
     *
     * @throws ConfigurationException if present and not an integer
     */
    public int intOption(String name, int defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        return OptionValues.integer(v).orElseThrow(() -> invalid(name, v, "an integer"));
    }

    /**
     * A boolean option, {@code true} or {@code false}.
     *
     * @throws ConfigurationException if present and neither
     */
    public boolean booleanOption(String name, boolean defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        return OptionValues.bool(v).orElseThrow(() -> invalid(name, v, "true or false"));
    }

    /**
     * A duration option: ISO-8601 ({@code PT30S}) or a number with a unit ({@code 500ms}, {@code 30s},
     * {@code 5m}, {@code 12h}, {@code 7d}).
     *
     * @throws ConfigurationException if present and not a non-negative duration
     */
    public Duration durationOption(String name, Duration defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        return Durations.parse(v).orElseThrow(
                () -> invalid(name, v, "a duration such as 500ms, 30s, 5m, 12h, 7d or PT30S"));
    }

    /**
     * A size in bytes: a number, optionally with {@code B}, {@code KiB}, {@code MiB} or {@code GiB}.
     *
     * @throws ConfigurationException if present and not a positive size
     */
    public long sizeOption(String name, long defaultValue) {
        String v = options.get(name);
        if (v == null) {
            return defaultValue;
        }
        return OptionValues.size(v)
                .orElseThrow(() -> invalid(name, v, "a positive size such as 1048576, 512KiB or 1MiB"));
    }

    /** The URL with the password masked: safe for logs. */
    public String redactedUrl() {
        return Redaction.url(scheme, username, password, hosts, path);
    }

    /** Whether an option holds a secret, by its name. */
    public static boolean isSecret(String optionName) {
        return Redaction.isSecret(optionName);
    }

    @Override
    public String toString() {
        return "BrokerConfig{" + redactedUrl() + ", options=" + Redaction.options(options) + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BrokerConfig)) {
            return false;
        }
        BrokerConfig c = (BrokerConfig) o;
        return scheme.equals(c.scheme) && Objects.equals(username, c.username)
                && Objects.equals(password, c.password) && hosts.equals(c.hosts) && path.equals(c.path)
                && options.equals(c.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, hosts, path, options);
    }

    private ConfigurationException invalid(String name, String value, String expected) {
        return new ConfigurationException("Option '" + name + "' of " + redactedUrl() + " is "
                + Redaction.optionValue(name, value) + "; expected " + expected + ".");
    }

    /** Builds a {@link BrokerConfig}. */
    public static final class Builder {
        private final String scheme;
        private String username;
        private String password;
        private List<String> hosts;
        private String path;
        private final Map<String, String> options = new TreeMap<>();

        private Builder(String url) {
            BrokerUrl parsed = BrokerUrl.parse(url);
            this.scheme = parsed.scheme();
            this.username = parsed.username();
            this.password = parsed.password();
            this.hosts = parsed.hosts();
            this.path = parsed.path();
            this.options.putAll(parsed.query());
        }

        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Sets an option, replacing the URL's query parameter of that name. */
        public Builder option(String name, String value) {
            options.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder options(Map<String, String> options) {
            Objects.requireNonNull(options, "options").forEach(this::option);
            return this;
        }

        /**
         * @throws ConfigurationException if a shared option ({@code max-message-size}, {@code retention}) is
         *     invalid
         */
        public BrokerConfig build() {
            return new BrokerConfig(this);
        }
    }
}

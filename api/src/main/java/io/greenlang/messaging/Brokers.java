package io.greenlang.messaging;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the backend for a URL's scheme with {@link ServiceLoader} and connects to it:
 * <pre>{@code
 * try (Broker broker = Brokers.connect("redis://localhost:6379")) { ... }
 * }</pre>
 *
 * <p>Discovery is strict: an unknown scheme fails with the schemes that are available and the artifact
 * that would add the one asked for; two providers for one scheme fail naming both, unless system property
 * {@code greenlang.messaging.provider.SCHEME} names the class to use; a provider that fails to load is
 * reported in the error and logged, never silently skipped. Providers are looked up in the thread's
 * context class loader on every call; nothing is cached.
 */
public final class Brokers {
    /** System property prefix that picks a provider class for a scheme when several are installed. */
    public static final String PROVIDER_PROPERTY_PREFIX = "greenlang.messaging.provider.";

    private static final Logger LOG = Logger.getLogger(Brokers.class.getName());

    private static final Map<String, String> KNOWN_ARTIFACTS = Map.of(
            "memory", "io.greenlang.messaging:greenlang-messaging-backend-inmemory",
            "redis", "io.greenlang.messaging:greenlang-messaging-backend-redis",
            "rediss", "io.greenlang.messaging:greenlang-messaging-backend-redis",
            "redis-cluster", "io.greenlang.messaging:greenlang-messaging-backend-redis",
            "kafka", "io.greenlang.messaging:greenlang-messaging-backend-kafka");

    private Brokers() {
    }

    /**
     * Connects to the broker at {@code url}.
     *
     * @throws ConfigurationException if the URL is invalid or no installed backend handles its scheme
     * @throws ConnectionException if the broker cannot be reached
     */
    public static Broker connect(String url) {
        return connect(BrokerConfig.parse(url));
    }

    /** Connects to the broker at {@code url} with extra options (see {@link BrokerConfig}). */
    public static Broker connect(String url, Map<String, String> options) {
        return connect(BrokerConfig.builder(url).options(options).build());
    }

    /** Connects with the configuration read from {@code GREENLANG_MESSAGING_*} environment variables. */
    public static Broker fromEnvironment() {
        return connect(BrokerConfig.fromEnvironment());
    }

    /** Connects with a complete configuration. */
    public static Broker connect(BrokerConfig config) {
        Objects.requireNonNull(config, "config");
        BrokerProvider provider = discover().provider(config);
        UnknownOptions.reject(config, provider);
        return provider.create(config);
    }

    /** The schemes the installed backends handle. */
    public static Set<String> availableSchemes() {
        return discover().schemes();
    }

    private static Registry discover() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Brokers.class.getClassLoader();
        }
        return Registry.load(ServiceLoader.load(BrokerProvider.class, loader).iterator(), System.getProperties());
    }

    /** The providers found in one discovery. Package-private so tests can feed it their own providers. */
    static final class Registry {
        private final Map<String, List<BrokerProvider>> byScheme;
        private final List<String> loadFailures;
        private final Map<Object, Object> properties;

        private Registry(Map<String, List<BrokerProvider>> byScheme, List<String> loadFailures,
                Map<Object, Object> properties) {
            this.byScheme = byScheme;
            this.loadFailures = loadFailures;
            this.properties = properties;
        }

        static Registry load(Iterator<BrokerProvider> providers, Map<Object, Object> properties) {
            Map<String, List<BrokerProvider>> byScheme = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            while (true) {
                BrokerProvider provider;
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    provider = providers.next();
                } catch (ServiceConfigurationError | LinkageError e) {
                    String failure = e.toString() + (e.getCause() != null ? " (cause: " + e.getCause() + ")" : "");
                    failures.add(failure);
                    LOG.log(Level.WARNING, "A GreenLang Messaging backend failed to load and is unavailable: " + failure);
                    LOG.log(Level.FINE, "Loading failure details", e);
                    continue;
                }
                for (String scheme : provider.schemes()) {
                    byScheme.computeIfAbsent(scheme.toLowerCase(Locale.ROOT), s -> new ArrayList<>()).add(provider);
                }
            }
            return new Registry(byScheme, failures, properties);
        }

        Set<String> schemes() {
            return Collections.unmodifiableSet(new TreeSet<>(byScheme.keySet()));
        }

        BrokerProvider provider(BrokerConfig config) {
            String scheme = config.scheme();
            List<BrokerProvider> candidates = byScheme.getOrDefault(scheme, List.of());
            Object chosen = properties.get(PROVIDER_PROPERTY_PREFIX + scheme);
            if (chosen != null) {
                for (BrokerProvider p : candidates) {
                    if (p.getClass().getName().equals(chosen)) {
                        return p;
                    }
                }
                throw new ConfigurationException("System property " + PROVIDER_PROPERTY_PREFIX + scheme + " names "
                        + chosen + ", but the providers for '" + scheme + "' are " + describe(candidates) + ".");
            }
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            if (candidates.size() > 1) {
                throw new ConfigurationException("Several backends handle scheme '" + scheme + "': "
                        + describe(candidates) + ". Remove all but one from the class path, or choose one with "
                        + "-D" + PROVIDER_PROPERTY_PREFIX + scheme + "=<provider class>.");
            }
            StringBuilder msg = new StringBuilder("No backend handles scheme '").append(scheme).append("' of ")
                    .append(config.redactedUrl()).append(". Installed: ")
                    .append(byScheme.isEmpty() ? "none" : String.join(", ", schemes())).append('.');
            String artifact = KNOWN_ARTIFACTS.get(scheme);
            Set<String> notInstalled = new TreeSet<>(KNOWN_ARTIFACTS.keySet());
            notInstalled.removeAll(byScheme.keySet());
            if (artifact != null) {
                msg.append(" Add the dependency ").append(artifact).append(" to the class path.");
            } else if (!notInstalled.isEmpty()) {
                msg.append(" Backends that are not installed handle ").append(String.join(", ", notInstalled))
                        .append('.');
            }
            if (!loadFailures.isEmpty()) {
                msg.append(" Backends that failed to load: ").append(String.join("; ", loadFailures)).append('.');
            }
            throw new ConfigurationException(msg.toString());
        }

        private static String describe(List<BrokerProvider> providers) {
            List<String> names = new ArrayList<>();
            for (BrokerProvider p : providers) {
                var source = p.getClass().getProtectionDomain().getCodeSource();
                names.add(p.getClass().getName() + " (from " + (source == null ? "unknown location" : source.getLocation()) + ")");
            }
            return String.join(" and ", names);
        }
    }
}

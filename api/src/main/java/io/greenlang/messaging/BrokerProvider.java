package io.greenlang.messaging;

import java.util.Set;

/**
 * What a backend jar registers with {@link java.util.ServiceLoader} (in
 * {@code META-INF/services/io.greenlang.messaging.BrokerProvider}) so that {@link Brokers} can find it.
 * Implementations need a public no-argument constructor and must be cheap to construct: discovery creates
 * every provider on the class path.
 */
public interface BrokerProvider {
    /** The URL schemes this provider handles, lower case, such as {@code redis} and {@code rediss}. */
    Set<String> schemes();

    /**
     * The options this backend reads, besides {@link BrokerConfig#COMMON_OPTIONS}. {@link Brokers} rejects any
     * other option before {@link #create}, naming it and the closest known one, so a misspelt option is an error
     * rather than silently ignored.
     */
    Set<String> options();

    /** Prefixes of options passed on unchecked, such as {@code kafka.} for client properties; none by default. */
    default Set<String> optionPrefixes() {
        return Set.of();
    }

    /**
     * Connects to the broker the configuration names.
     *
     * @throws ConfigurationException if an option is invalid (its name was checked against {@link #options})
     * @throws ConnectionException if the broker cannot be reached
     */
    Broker create(BrokerConfig config);
}

package io.greenlang.messaging.micrometer;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Publishes a broker's counters and latency timers (p50, p95, p99) to a Micrometer registry:
 * <pre>{@code
 * BrokerMicrometer.bind(broker, meterRegistry);
 * }</pre>
 * Meters are named {@code greenlang.messaging.*} and tagged with {@code backend} and {@code broker} (the
 * option {@code metrics-name}, default the backend's name; never the URL, which may hold secrets).
 * Binding twice to one registry has no further effect; closing the broker removes its meters.
 */
public final class BrokerMicrometer {
    private BrokerMicrometer() {
    }

    /**
     * @throws ConfigurationException if the broker was not built on this library's kit
     */
    public static void bind(Broker broker, MeterRegistry registry) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(registry, "registry");
        if (!(broker instanceof AbstractBroker)) {
            throw new ConfigurationException("Broker " + broker.name() + " (" + broker.getClass().getName()
                    + ") does not keep GreenLang meters; only brokers built on greenlang-messaging-spi can be bound.");
        }
        ((AbstractBroker) broker).bindTo(registry);
    }
}

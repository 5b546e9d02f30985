package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.util.Set;

/**
 * Supplies the raw-client baseline for broker URLs of some schemes: the same work as the library's (produce
 * N byte[] payloads, consume them, acknowledge) done directly with the underlying client, so the benchmark
 * can print "library / raw". Registered with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.greenlang.messaging.benchmarks.BaselineProvider}; {@link Baselines} finds it.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to construct.
 */
public interface BaselineProvider {
    /** The URL schemes whose brokers this baseline stands beside, lower case. */
    Set<String> schemes();

    /**
     * The baseline's column in tables: {@code raw} for the bare client, {@code peer} for what a team would use
     * instead of this library (such as Spring Kafka). At most one provider per scheme and label.
     */
    default String label() {
        return "raw";
    }

    /** What the baseline is, for reports: {@code ArrayBlockingQueue hand-off between threads}. */
    String description();

    /** A baseline target that talks to the broker {@code config} names, without the library. */
    BenchTarget create(BrokerConfig config);
}

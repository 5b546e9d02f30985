package io.greenlang.messaging.kafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Kafka broker for every test class of a test JVM: started on first use, stopped when JUnit closes its root
 * store (or by the JVM's shutdown hook, or by the kernel if the JVM is killed). Set environment variable
 * {@value #ENV} to {@code host:port} to use an existing broker instead (it must allow topic creation, and consumer
 * groups should heartbeat every 500 ms or so for the tests to run quickly).
 *
 * <pre>{@code
 * @ExtendWith(SharedKafka.class)
 * class SomeTest { ... SharedKafka.bootstrap() ... }
 * }</pre>
 */
public final class SharedKafka implements BeforeAllCallback {
    /** Names an existing broker to test against, instead of starting one. */
    public static final String ENV = "GREENLANG_TEST_KAFKA_BOOTSTRAP";

    private static volatile String bootstrap;

    @Override
    public void beforeAll(ExtensionContext context) {
        bootstrap(context);
    }

    /** The shared broker's {@code host:port}; starts it if needed. */
    public static String bootstrap() {
        return bootstrap(null);
    }

    private static synchronized String bootstrap(ExtensionContext context) {
        if (bootstrap != null) {
            return bootstrap;
        }
        String existing = System.getenv(ENV);
        if (existing != null && !existing.isBlank()) {
            bootstrap = existing.trim();
            return bootstrap;
        }
        KafkaTestCluster cluster = KafkaTestCluster.start(KafkaTestCluster.Options.single());
        if (context != null) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put(SharedKafka.class.getName(), cluster);
        }
        bootstrap = cluster.bootstrap();
        return bootstrap;
    }
}

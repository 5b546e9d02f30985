package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BrokersTest {
    static final class FakeProvider implements BrokerProvider {
        private final Set<String> schemes;

        FakeProvider(String... schemes) {
            this.schemes = Set.of(schemes);
        }

        @Override
        public Set<String> schemes() {
            return schemes;
        }

        @Override
        public Set<String> options() {
            return Set.of("block-timeout", "key-prefix");
        }

        @Override
        public Broker create(BrokerConfig config) {
            throw new UnsupportedOperationException("a fake provider for discovery tests creates no broker");
        }
    }

    static final class OtherProvider implements BrokerProvider {
        @Override
        public Set<String> schemes() {
            return Set.of("memory");
        }

        @Override
        public Set<String> options() {
            return Set.of();
        }

        @Override
        public Broker create(BrokerConfig config) {
            throw new UnsupportedOperationException("a fake provider for discovery tests creates no broker");
        }
    }

    private static Brokers.Registry registry(Map<Object, Object> properties, BrokerProvider... providers) {
        return Brokers.Registry.load(List.of(providers).iterator(), properties);
    }

    @Test
    void picksTheOnlyProviderForAScheme() {
        FakeProvider redis = new FakeProvider("redis", "rediss");
        Brokers.Registry registry = registry(Map.of(), new FakeProvider("memory"), redis);

        assertThat(registry.provider(BrokerConfig.parse("rediss://localhost:6380"))).isSameAs(redis);
        assertThat(registry.schemes()).containsExactly("memory", "redis", "rediss");
    }

    @Test
    void unknownSchemeListsAvailableSchemesAndTheArtifactToAdd() {
        Brokers.Registry registry = registry(Map.of(), new FakeProvider("memory"));

        assertThatThrownBy(() -> registry.provider(BrokerConfig.parse("kafka://user:hunter2@h1:9092")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No backend handles scheme 'kafka'")
                .hasMessageContaining("Installed: memory.")
                .hasMessageContaining("io.greenlang.messaging:greenlang-messaging-backend-kafka")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void unheardOfSchemeListsTheKnownSchemes() {
        Brokers.Registry registry = registry(Map.of());

        assertThatThrownBy(() -> registry.provider(BrokerConfig.parse("amqp://localhost")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Installed: none.")
                .hasMessageContaining("Backends that are not installed handle kafka, memory, redis, redis-cluster, "
                        + "rediss.");
    }

    @Test
    void twoProvidersForOneSchemeIsAnErrorNamingBoth() {
        Brokers.Registry registry = registry(Map.of(), new FakeProvider("memory"), new OtherProvider());

        assertThatThrownBy(() -> registry.provider(BrokerConfig.parse("memory://")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Several backends handle scheme 'memory'")
                .hasMessageContaining(FakeProvider.class.getName())
                .hasMessageContaining(OtherProvider.class.getName())
                .hasMessageContaining("-D" + Brokers.PROVIDER_PROPERTY_PREFIX + "memory=");
    }

    @Test
    void systemPropertyChoosesAmongDuplicates() {
        OtherProvider other = new OtherProvider();
        Brokers.Registry registry = registry(
                Map.of(Brokers.PROVIDER_PROPERTY_PREFIX + "memory", OtherProvider.class.getName()),
                new FakeProvider("memory"), other);

        assertThat(registry.provider(BrokerConfig.parse("memory://"))).isSameAs(other);
    }

    @Test
    void providerThatFailsToLoadIsReportedNotSwallowed() {
        Iterator<BrokerProvider> failing = new Iterator<>() {
            private int calls;

            @Override
            public boolean hasNext() {
                return calls < 2;
            }

            @Override
            public BrokerProvider next() {
                if (calls++ == 0) {
                    throw new ServiceConfigurationError("io.example.BrokenProvider could not be instantiated");
                }
                return new FakeProvider("memory");
            }
        };
        Brokers.Registry registry = Brokers.Registry.load(failing, Map.of());

        assertThat(registry.schemes()).containsExactly("memory");
        assertThatThrownBy(() -> registry.provider(BrokerConfig.parse("redis://localhost")))
                .hasMessageContaining("Backends that failed to load")
                .hasMessageContaining("io.example.BrokenProvider could not be instantiated");
    }
}

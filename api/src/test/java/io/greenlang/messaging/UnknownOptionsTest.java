package io.greenlang.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class UnknownOptionsTest {
    /** Reads two options of its own and passes {@code client.*} through. */
    private static final BrokerProvider PROVIDER = new BrokerProvider() {
        @Override
        public Set<String> schemes() {
            return Set.of("redis");
        }

        @Override
        public Set<String> options() {
            return Set.of("block-timeout", "key-prefix");
        }

        @Override
        public Set<String> optionPrefixes() {
            return Set.of("client.");
        }

        @Override
        public Broker create(BrokerConfig config) {
            throw new UnsupportedOperationException("not connected in these tests");
        }
    };

    @Test
    void knownCommonAndPrefixedOptionsPass() {
        BrokerConfig config = BrokerConfig.builder("redis://localhost").option("key-prefix", "app")
                .option("max-message-size", "2MiB").option("metrics-name", "orders").option("client.name", "x")
                .build();

        assertThatCode(() -> UnknownOptions.reject(config, PROVIDER)).doesNotThrowAnyException();
    }

    @Test
    void aMisspeltOptionNamesItselfTheClosestAndEveryKnownOption() {
        BrokerConfig config = BrokerConfig.builder("redis://localhost").option("max-mesage-size", "2MiB").build();

        assertThatThrownBy(() -> UnknownOptions.reject(config, PROVIDER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown option 'max-mesage-size' for redis://: did you mean 'max-message-size'? Options "
                        + "of redis://: block-timeout, codec, key-prefix, max-message-size, metrics-name, retention, "
                        + "client.<name>. Correct or remove it (in the URL's query, the options map or "
                        + "GREENLANG_MESSAGING_* variables).");
    }

    @Test
    void aQueryParameterIsAnOptionToo() {
        BrokerConfig config = BrokerConfig.parse("redis://localhost?codek=msgpack&foo=bar");

        assertThatThrownBy(() -> UnknownOptions.reject(config, PROVIDER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Unknown option 'codek' for redis://: did you mean 'codec'? "
                        + "Unknown option 'foo' for redis:// Options of redis://:")
                .hasMessageEndingWith("Correct or remove them (in the URL's query, the options map or "
                        + "GREENLANG_MESSAGING_* variables).");
    }

    @Test
    void onlyANearNameIsSuggested() {
        Set<String> known = Set.of("codec", "retention", "max-message-size");

        assertThat(UnknownOptions.closest("retension", known)).isEqualTo("retention");
        assertThat(UnknownOptions.closest("partitions", known)).isNull();
    }
}

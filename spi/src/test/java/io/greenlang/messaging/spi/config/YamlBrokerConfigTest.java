package io.greenlang.messaging.spi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlBrokerConfigTest {
    private static final Map<String, String> ENV = Map.of(
            "REDIS_PASSWORD", "s3cr3t-Pa55",
            "REDIS_HOST", "redis.internal",
            "EMPTY", "");
    private static final String SOURCE = "YAML configuration: ";

    @TempDir
    Path dir;

    @Test
    void readsTopLevelKeys() {
        BrokerConfig config = YamlBrokerConfig.parse(String.join("\n",
                "url: redis://localhost:6379/0?codec=json",
                "username: agent",
                "password: pw",
                "options:",
                "  codec: msgpack",
                "  max-message-size: 512KiB"), ENV);

        assertThat(config.scheme()).isEqualTo("redis");
        assertThat(config.hosts()).containsExactly("localhost:6379");
        assertThat(config.path()).isEqualTo("0");
        assertThat(config.username()).contains("agent");
        assertThat(config.password()).contains("pw");
        assertThat(config.options()).containsExactlyInAnyOrderEntriesOf(
                Map.of("codec", "msgpack", "max-message-size", "512KiB"));
        assertThat(config.maxMessageSize()).isEqualTo(512 * 1024);
    }

    @Test
    void readsTheGreenlangMessagingSectionAndIgnoresTheRest() {
        BrokerConfig config = YamlBrokerConfig.parse(String.join("\n",
                "server:",
                "  port: 8080",
                "greenlang:",
                "  other: {x: 1}",
                "  messaging:",
                "    url: kafka://k1:9092,k2:9092",
                "    options:",
                "      acks: all"), ENV);

        assertThat(config.scheme()).isEqualTo("kafka");
        assertThat(config.hosts()).containsExactly("k1:9092", "k2:9092");
        assertThat(config.options()).containsExactlyEntriesOf(Map.of("acks", "all"));
        assertThat(config.username()).isEmpty();
    }

    @Test
    void flattensNestedOptionsAndKeepsValuesAsWritten() {
        BrokerConfig config = YamlBrokerConfig.parse(String.join("\n",
                "url: memory://",
                "options:",
                "  tls:",
                "    trust-cert: /etc/ssl/ca.pem",
                "    verify: yes",
                "  consumer:",
                "    fetch: {max-bytes: 0x1F, wait: 1.50}",
                "  empty: ''",
                "  retention: 7d"), ENV);

        assertThat(config.options()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tls.trust-cert", "/etc/ssl/ca.pem",
                "tls.verify", "yes",
                "consumer.fetch.max-bytes", "0x1F",
                "consumer.fetch.wait", "1.50",
                "empty", "",
                "retention", "7d"));
    }

    @Test
    void substitutesEnvironmentVariables() {
        BrokerConfig config = YamlBrokerConfig.parse(String.join("\n",
                "url: redis://${REDIS_HOST}:${REDIS_PORT:-6379}",
                "password: ${REDIS_PASSWORD}",
                "options:",
                "  retention: ${RETENTION:-12h}",
                "  empty-falls-back: ${EMPTY:-fallback}",
                "  set-but-empty: x${EMPTY}y",
                "  literal: $${NOT_A_VARIABLE} costs $5",
                "  default-with-colon: ${NOPE:-a:b-c}"), ENV);

        assertThat(config.hosts()).containsExactly("redis.internal:6379");
        assertThat(config.password()).contains("s3cr3t-Pa55");
        assertThat(config.retention()).hasHours(12);
        assertThat(config.options()).containsEntry("empty-falls-back", "fallback")
                .containsEntry("set-but-empty", "xy")
                .containsEntry("literal", "${NOT_A_VARIABLE} costs $5")
                .containsEntry("default-with-colon", "a:b-c");
    }

    @Test
    void treatsANullUsernameOrPasswordAsAbsent() {
        BrokerConfig config = YamlBrokerConfig.parse("url: redis://u:p@h:1\nusername: ~\npassword: null\n", ENV);

        assertThat(config.username()).contains("u");
        assertThat(config.password()).contains("p");
    }

    @Test
    void loadsAFile() throws IOException {
        Path file = dir.resolve("messaging.yaml");
        Files.writeString(file, "greenlang:\n  messaging:\n    url: memory://shared\n    password: ${REDIS_PASSWORD}\n",
                StandardCharsets.UTF_8);

        BrokerConfig config = YamlBrokerConfig.load(file, ENV);

        assertThat(config.scheme()).isEqualTo("memory");
        assertThat(config.hosts()).containsExactly("shared");
        assertThat(config.password()).contains("s3cr3t-Pa55");
    }

    @Test
    void reportsAMissingFile() {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> YamlBrokerConfig.load(file, ENV))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration file " + file + " does not exist. Create it, or point to the right path.");
    }

    @Test
    void reportsAFileThatIsNotUtf8() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'u', 'r', 'l', ':', ' ', (byte) 0xE9});

        assertThatThrownBy(() -> YamlBrokerConfig.load(file, ENV))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration file " + file + " is not valid UTF-8 text. Save it as UTF-8.");
    }

    @Test
    void namesTheFileInErrors() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "username: x\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> YamlBrokerConfig.load(file, ENV))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration file " + file + ": url is missing. Add url: <broker URL> (for example "
                        + "memory://, redis://localhost:6379 or kafka://localhost:9092), at the top level or under "
                        + "greenlang: messaging:.");
    }

    @Test
    void reportsAMissingUrlInTheSection() {
        assertError("greenlang:\n  messaging:\n    options: {a: b}\n",
                "greenlang.messaging.url is missing. Add url: <broker URL> (for example memory://, "
                        + "redis://localhost:6379 or kafka://localhost:9092).");
    }

    @Test
    void reportsAnEmptyDocument() {
        assertError("# nothing\n", "the document is empty. Add url: <broker URL> (for example memory://, "
                + "redis://localhost:6379 or kafka://localhost:9092), at the top level or under greenlang: messaging:.");
    }

    @Test
    void reportsUnknownKeys() {
        assertError("url: memory://\nurls: x\n", "unknown key 'urls' at the top level (line 2, column 1). The keys "
                + "are url, username, password, options; check the spelling, or put broker options under options:.");
        assertError("greenlang:\n  messaging:\n    url: memory://\n    codec: json\n", "unknown key 'codec' under "
                + "greenlang.messaging (line 4, column 5). The keys are url, username, password, options; check "
                + "the spelling, or put broker options under options:.");
    }

    @Test
    void reportsWrongShapes() {
        assertError("- url\n", "the top level (line 1, column 1) is a list, not a mapping. Write the keys url, "
                + "username, password, options, at the top level or under greenlang: messaging:.");
        assertError("greenlang: x\n", "the key 'greenlang' (line 1, column 12) has no 'messaging' mapping under it. "
                + "Write greenlang: messaging: url: <broker URL>, or put url at the top level.");
        assertError("greenlang:\n  messaging: [a]\n", "greenlang.messaging (line 2, column 14) is a list, not a "
                + "mapping. Write the keys url, username, password, options under it.");
        assertError("url: [memory://]\n", "url (line 1, column 6) is a list; it must be a single value.");
        assertError("url: memory://\noptions: [a]\n", "options (line 2, column 10) is a list, not a mapping. Write "
                + "one option per line: options: { name: value }.");
        assertError("url: memory://\noptions:\n  hosts: [a, b]\n", "options.hosts (line 3, column 10) is a list; an "
                + "option value must be a single value. Write a list as one comma-separated string.");
        assertError("url: memory://\noptions:\n  codec: ~\n", "options.codec (line 3, column 10) has no value. Give "
                + "it one, or remove it.");
        assertError("url: memory://\noptions:\n  tls.verify: 'true'\n  tls:\n    verify: 'false'\n", "option "
                + "'tls.verify' is defined twice, the second time at options.tls.verify (line 5, column 13). Keep "
                + "one of the two definitions.");
        assertError("url: ''\n", "url (line 1, column 6) is empty. Set it to a broker URL such as "
                + "redis://localhost:6379 (check the environment variable it references).");
        assertError("a: 1\n---\nb: 2\n", "the file holds more than one YAML document (another starts at line 3). "
                + "Keep only the broker configuration's document.");
    }

    @Test
    void reportsUndefinedAndMalformedVariables() {
        assertError("url: redis://${MISSING_HOST}:6379\n", "url (line 1, column 6) references environment variable "
                + "MISSING_HOST, which is not set. Set it, or give a default with ${MISSING_HOST:-default}.");
        assertError("url: memory://\noptions:\n  tls: {cert: '${CERT'}\n", "options.tls.cert (line 3, column 15) "
                + "has a '${' without its closing '}'. Close the reference, or write $${ for a literal ${.");
        assertError("url: memory://\noptions:\n  a: ${1BAD}\n", "options.a (line 3, column 6) references an "
                + "environment variable with an invalid name '1BAD'. Use ${NAME} or ${NAME:-default}, where NAME is "
                + "letters, digits and _.");
    }

    @Test
    void reportsYamlSyntaxErrorsWithLineAndColumnButNotTheLine() {
        assertError("url: memory://\npassword: \"hunter2\n", "invalid YAML at line 3, column 1: while scanning a "
                + "quoted scalar: found unexpected end of stream. Fix the YAML there (check indentation, colons and "
                + "quotes).");
        assertError("url: memory://\n  password: hunter2\n", "invalid YAML at line 2, column 11: mapping values are "
                + "not allowed here. Fix the YAML there (check indentation, colons and quotes).");
        assertError("url: memory://\nurl: other://\n", "invalid YAML at line 2, column 4: duplicate key 'url'. Keep "
                + "one of the two definitions.");
    }

    @Test
    void neverShowsPasswords() {
        List<String> documents = List.of(
                "url: redis://user:hunter2@bad host:6379\n",
                "url: redis://user:${REDIS_PASSWORD}@bad host:6379\n",
                "url: redis://user:hunter2/x@bad host:6379\n",
                "url: redis://localhost\npassword: hunter2\noptions: {max-message-size: lots}\n",
                "url: redis://localhost\noptions: {sasl.password: hunter2, retention: forever}\n",
                "url: memory://\npassword: \"hunter2\n",
                "url: memory://\npassword: hunter2\n  oops: x\n",
                "url: memory://\npassword: hunter2\npassword: hunter3\n");
        for (String yaml : documents) {
            assertThatThrownBy(() -> YamlBrokerConfig.parse(yaml, ENV))
                    .as(yaml)
                    .isInstanceOf(ConfigurationException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter").doesNotContain("s3cr3t"));
        }
    }

    @Test
    void wrapsBrokerConfigErrorsWithTheSource() {
        assertThatThrownBy(() -> YamlBrokerConfig.parse("url: redis://localhost\noptions: {retention: forever}\n",
                ENV))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(SOURCE + "Option 'retention' of redis://localhost is 'forever'; expected a duration such "
                        + "as 500ms, 30s, 5m, 12h, 7d or PT30S.");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> YamlBrokerConfig.parse(yaml, ENV))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(SOURCE + message);
    }
}

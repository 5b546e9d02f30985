package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.Position;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("glm publish and glm consume")
class PublishConsumeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url;
    private Broker broker; // keeps the named memory:// store alive between commands, and inspects it

    @BeforeEach
    void connect() {
        url = Cli.uniqueMemoryUrl();
        broker = Brokers.connect(url);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    @DisplayName("publish sends each argument as one message and says how many")
    void publishArguments() {
        Cli.Result r = Cli.run("publish", "--url", url, "--topic", "esg.tasks", "--key", "site-7", "--priority", "7",
                "--header", "tenant=acme", "-H", "source=cli", "hello", "{\"site\":42}", "[1,2]");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Published 3 messages to esg.tasks." + System.lineSeparator());
        List<RecordedMessage> log = broker.read("esg.tasks", Position.beginning(), 10);
        assertThat(log).hasSize(3);
        Message text = log.get(0).message();
        assertThat(text.payloadAsString()).isEqualTo("hello");
        assertThat(text.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(text.key()).contains("site-7");
        assertThat(text.priority()).isEqualTo(7);
        assertThat(text.headers()).isEqualTo(Map.of("tenant", "acme", "source", "cli"));
        Message json = log.get(1).message();
        assertThat(json.contentType()).isEqualTo("application/json");
        assertThat(json.payloadAsString()).isEqualTo("{\"site\":42}");
        assertThat(broker.verifyProvenance(json)).isTrue();
        assertThat(log.get(2).message().contentType()).isEqualTo("application/json");
    }

    @Test
    @DisplayName("publish reads lines of standard input with -, skipping blank ones")
    void publishStandardInput() {
        Cli.Result r = Cli.runWithInput("first\n\n  \nsecond\n{\"n\":3}\n", "publish", "--url", url, "-t", "lines", "-");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Published 3 messages to lines." + System.lineSeparator());
        assertThat(broker.read("lines", Position.beginning(), 10)).extracting(m -> m.message().payloadAsString())
                .containsExactly("first", "second", "{\"n\":3}");
    }

    @Test
    @DisplayName("publish reads lines of a file in batches, with --ttl and --content-type")
    void publishFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tasks.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            lines.add("task " + i);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);

        Cli.Result r = Cli.run("publish", "--url", url, "-t", "file-topic", "--file", file.toString(),
                "--batch-size", "40", "--ttl", "5m", "--content-type", "text/csv");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Published 250 messages to file-topic." + System.lineSeparator());
        List<RecordedMessage> log = broker.read("file-topic", Position.beginning(), 1000);
        assertThat(log).hasSize(250);
        Message last = log.get(249).message();
        assertThat(last.payloadAsString()).isEqualTo("task 249");
        assertThat(last.contentType()).isEqualTo("text/csv");
        assertThat(last.expiresAt()).contains(last.createdAt().plusSeconds(300));
    }

    @Test
    @DisplayName("publish to the private memory:// works, with a note that its messages vanish")
    void publishPrivateMemory() {
        assumeTrue(System.getenv("GREENLANG_MESSAGING_URL") == null, "GREENLANG_MESSAGING_URL is set");

        Cli.Result r = Cli.run("publish", "-t", "x", "hello");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Published 1 message to x." + System.lineSeparator());
        assertThat(r.errLines()).singleElement().asString().startsWith("glm: note: memory:// is private to this command");
    }

    @Test
    @DisplayName("publish of a missing file fails in one line")
    void publishMissingFile(@TempDir Path dir) {
        Cli.Result r = Cli.run("publish", "--url", url, "-t", "x", "--file", dir.resolve("nope.txt").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("glm: File not found: ").contains("nope.txt");
    }

    @Test
    @DisplayName("publish with nothing to publish, or a bad priority, is a usage error")
    void publishUsageErrors() {
        Cli.Result nothing = Cli.run("publish", "--url", url, "-t", "x");
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.errLines()).containsExactly("glm: nothing to publish: give payloads as arguments, --file "
                + "FILE, or - to read standard input (see 'glm publish --help')");

        Cli.Result priority = Cli.run("publish", "--url", url, "-t", "x", "--priority", "12", "a");
        assertThat(priority.exitCode()).isEqualTo(2);
        assertThat(priority.errLines()).containsExactly("glm: --priority must be from 0 to 9, was 12 (see 'glm publish "
                + "--help')");

        Cli.Result ttl = Cli.run("publish", "--url", url, "-t", "x", "--ttl", "soon", "a");
        assertThat(ttl.exitCode()).isEqualTo(2);
        assertThat(ttl.errLines()).hasSize(1);
        assertThat(ttl.err()).contains("'soon' is not a duration");
    }

    @Test
    @DisplayName("consume prints each message as one JSON line with every field, and acknowledges it")
    void consumePrintsJsonLines() throws Exception {
        Cli.Result pub = Cli.run("publish", "--url", url, "-t", "results", "-k", "site-1", "-H", "agent=worker-1",
                "{\"rating\":\"B\"}", "plain text");
        assertThat(pub.exitCode()).as(pub.toString()).isZero();
        broker.publish(Message.builder("results").payload(new byte[] {0, 1, 2, (byte) 255}).build());

        Cli.Result r = Cli.run("consume", "--url", url, "-t", "results", "-g", "cli", "--max", "3", "--timeout", "10s");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(3);
        JsonNode json = JSON.readTree(lines.get(0));
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "topic", "key", "priority", "headers", "contentType", "payload",
                "payloadEncoding", "createdAt", "provenanceHash", "attempt", "position", "group");
        assertThat(json.get("topic").asText()).isEqualTo("results");
        assertThat(json.get("key").asText()).isEqualTo("site-1");
        assertThat(json.get("priority").asInt()).isEqualTo(4);
        assertThat(json.get("headers").get("agent").asText()).isEqualTo("worker-1");
        assertThat(json.get("contentType").asText()).isEqualTo("application/json");
        assertThat(json.get("payload").asText()).isEqualTo("{\"rating\":\"B\"}");
        assertThat(json.get("payloadEncoding").asText()).isEqualTo("utf-8");
        assertThat(json.get("attempt").asInt()).isEqualTo(1);
        assertThat(json.get("group").asText()).isEqualTo("cli");
        assertThat(json.get("position").asText()).isNotBlank();

        JsonNode text = JSON.readTree(lines.get(1));
        assertThat(text.get("payload").asText()).isEqualTo("plain text");
        assertThat(text.get("contentType").asText()).isEqualTo("text/plain; charset=utf-8");
        JsonNode binary = JSON.readTree(lines.get(2));
        assertThat(binary.get("payloadEncoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(binary.get("payload").asText())).containsExactly(0, 1, 2, 255);
        assertThat(binary.get("key").isNull()).isTrue();

        assertThat(r.err()).contains("Consumed 3 messages from results as group cli.");
        assertThat(broker.lag("results", "cli").total()).isZero();
    }

    @Test
    @DisplayName("consume --max stops after that many and leaves the rest to the group")
    void consumeMaxLeavesTheRest() throws Exception {
        for (int i = 1; i <= 5; i++) {
            broker.publish(Message.builder("work").text("job " + i).build());
        }

        Cli.Result first = Cli.run("consume", "--url", url, "-t", "work", "-g", "workers", "-n", "2");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.outLines()).extracting(l -> JSON.readTree(l).get("payload").asText())
                .containsExactly("job 1", "job 2");
        assertThat(broker.lag("work", "workers").total()).isEqualTo(3);

        Cli.Result rest = Cli.run("consume", "--url", url, "-t", "work", "-g", "workers", "-n", "3");
        assertThat(rest.exitCode()).as(rest.toString()).isZero();
        assertThat(rest.outLines()).extracting(l -> JSON.readTree(l).get("payload").asText())
                .containsExactly("job 3", "job 4", "job 5");
        assertThat(rest.outLines()).allSatisfy(l -> assertThat(JSON.readTree(l).get("attempt").asInt()).isEqualTo(1));
        assertThat(broker.lag("work", "workers").total()).isZero();
    }

    @Test
    @DisplayName("consume --from latest skips what was published before the group existed")
    void consumeFromLatest() {
        broker.publish(Message.builder("events").text("old").build());

        Cli.Result r = Cli.run("consume", "--url", url, "-t", "events", "-g", "late", "--from", "latest",
                "--timeout", "200ms");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Consumed 0 messages from events as group late.");
    }

    @Test
    @DisplayName("consume with a bad --from or --max is a usage error")
    void consumeUsageErrors() {
        Cli.Result from = Cli.run("consume", "--url", url, "-t", "t", "-g", "g", "--from", "middle");
        assertThat(from.exitCode()).isEqualTo(2);
        assertThat(from.errLines()).hasSize(1);
        assertThat(from.err()).contains("'middle' is not a start position; expected earliest or latest");

        Cli.Result max = Cli.run("consume", "--url", url, "-t", "t", "-g", "g", "--max", "0");
        assertThat(max.exitCode()).isEqualTo(2);
        assertThat(max.errLines()).containsExactly("glm: --max must be at least 1, was 0 (see 'glm consume --help')");
    }

    @Test
    @DisplayName("--codec msgpack encodes JSON payloads as MessagePack, and consume shows them as base64")
    void codecOption() throws Exception {
        Cli.Result pub = Cli.run("publish", "--url", url, "--codec", "msgpack", "-t", "packed", "{\"a\":1}");
        assertThat(pub.exitCode()).as(pub.toString()).isZero();
        Message m = broker.read("packed", Position.beginning(), 1).get(0).message();
        assertThat(m.contentType()).isEqualTo("application/msgpack");
        try (Broker packed = Brokers.connect(url + "?codec=msgpack")) {
            Object decoded = packed.codec().decode(m.payload(), Map.class);
            assertThat(decoded).isEqualTo(Map.of("a", 1));
        }

        Cli.Result r = Cli.run("consume", "--url", url, "-t", "packed", "-g", "g", "-n", "1");
        assertThat(JSON.readTree(r.outLines().get(0)).get("payloadEncoding").asText()).isEqualTo("base64");
    }
}

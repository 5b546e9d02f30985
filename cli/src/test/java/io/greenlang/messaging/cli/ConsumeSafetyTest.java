package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("glm on a real Redis loses nothing and says only its own lines")
class ConsumeSafetyTest {
    private static LocalRedis redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = LocalRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    @DisplayName("consume | head -2: only the lines written are acknowledged, the rest stays with the group, exit 1")
    void closedPipeAcknowledgesOnlyWhatWasWritten() throws Exception {
        String topic = "pipe-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect(redis.url())) {
            // 2,000 lines of some 300 bytes: far more than a pipe holds, so glm is still writing when the reader goes
            broker.publishAll(texts(topic, 2000, "x".repeat(100)));
            Process glm = ChildGlm.start("consume", "--url", redis.url(), "-t", topic, "-g", "pg", "--timeout", "30s");
            BufferedReader out = new BufferedReader(new InputStreamReader(glm.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).contains("\"m-0 ");
            assertThat(out.readLine()).contains("\"m-1 ");
            glm.getInputStream().close();

            assertThat(glm.waitFor(60, TimeUnit.SECONDS)).as("glm exits once its output is closed").isTrue();
            String err = new String(glm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(glm.exitValue()).as(err).isEqualTo(1);
            Matcher written = Pattern.compile("standard output was closed after (\\d+) lines").matcher(err);
            assertThat(written.find()).as(err).isTrue();
            long lines = Long.parseLong(written.group(1));
            assertThat(lines).as("lines written before the pipe broke").isBetween(2L, 1999L);
            assertThat(broker.lag(topic, "pg").total()).as("messages the group still has after %d lines were written "
                    + "(only those were acknowledged)", lines).isEqualTo(2000 - lines);
        }
    }

    @Test
    @DisplayName("dlq list | head -1: exit code 1 once standard output is closed")
    void closedPipeFailsDlqList() throws Exception {
        String topic = "dlq-pipe-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect(redis.url())) {
            broker.publishAll(texts(topic, 300, "x".repeat(200)));
        }
        Cli.Result rejected = Cli.run("consume", "--url", redis.url(), "-t", topic, "-g", "g", "--max", "300",
                "--reject", "for the pipe test");
        assertThat(rejected.exitCode()).as(rejected.toString()).isZero();

        // 300 letters of some 900 bytes: more than a pipe holds
        Process glm = ChildGlm.start("dlq", "list", "--url", redis.url(), "-t", topic, "-g", "g", "--max", "300");
        BufferedReader out = new BufferedReader(new InputStreamReader(glm.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).contains("\"reason\":\"REJECTED\"");
        glm.getInputStream().close();

        assertThat(glm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(glm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(glm.exitValue()).as(err).isEqualTo(1);
        assertThat(err).contains("standard output was closed before every dead letter was listed");
    }

    @Test
    @DisplayName("--timeout counts from the join: three waiting messages arrive though joining takes longer")
    void timeoutStartsOnceTheMemberHasJoined() throws Exception {
        String topic = "join-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect(redis.url())) {
            broker.publishAll(texts(topic, 3, ""));
        }
        // writes (creating the group, reading as a member) wait 2 s: a join slower than the 1 s timeout
        assertThat(redis.command("CLIENT PAUSE 2000 WRITE")).isEqualTo("+OK");

        Cli.Result r = Cli.run("consume", "--url", redis.url(), "-t", topic, "-g", "g", "--timeout", "1s");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outLines()).as(r.toString()).hasSize(3);
    }

    @Test
    @DisplayName("--reject dead-letters what it takes, with the reason, for 'glm dlq' to show")
    void rejectMakesDeadLetters() throws Exception {
        String topic = "reject-" + UUID.randomUUID();
        try (Broker broker = Brokers.connect(redis.url())) {
            broker.publishAll(texts(topic, 2, ""));
        }

        Cli.Result consumed = Cli.run("consume", "--url", redis.url(), "-t", topic, "-g", "g", "--max", "2",
                "--reject", "bad reading");
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        assertThat(consumed.outLines()).hasSize(2);
        assertThat(consumed.err()).contains("Rejected 2 messages from " + topic + " as group g (dead-lettered).");

        Cli.Result listed = Cli.run("dlq", "list", "--url", redis.url(), "-t", topic, "-g", "g");
        assertThat(listed.outLines()).as(listed.toString()).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains("\"reason\":\"REJECTED\"").contains("bad reading"));
    }

    @Test
    @DisplayName("Redis stops during consume: standard error holds the tool's own lines, no library log")
    void serverStoppingLogsNothingWithoutVerbose() throws Exception {
        try (LocalRedis own = LocalRedis.start()) {
            String topic = "stops-" + UUID.randomUUID();
            try (Broker broker = Brokers.connect(own.url())) {
                broker.publishAll(texts(topic, 5, ""));
            }
            // a short command timeout: closing against a stopped server waits for its commands to time out
            Process glm = ChildGlm.start("consume", "--url", own.url(), "-t", topic, "-g", "g", "--timeout", "3s",
                    "--option", "command-timeout=2s");
            BufferedReader out = new BufferedReader(new InputStreamReader(glm.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                assertThat(out.readLine()).as("line %d", i).isNotNull();
            }
            own.kill();

            boolean exited = glm.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                glm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String err = new String(glm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(exited).as("glm stops after its idle timeout; its standard error:%n%s", err).isTrue();
            assertThat(err.lines()).as(err).isNotEmpty()
                    .allSatisfy(line -> assertThat(line).matches("(glm: |consume: |Consumed ).*"));
        }
    }

    @Test
    @DisplayName("--password without a value, standard input piped: the prompt goes to standard error, not the JSON")
    void passwordPromptKeepsStandardOutputClean() throws Exception {
        Process glm = ChildGlm.start("health", "--json", "--url", "memory://", "--password");
        try (OutputStream in = glm.getOutputStream()) {
            in.write("not-needed\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(glm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(glm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(glm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        JsonNode json = new ObjectMapper().readTree(out);
        assertThat(json.get("status").asText()).as(out).isEqualTo("UP");
        assertThat(err).contains("Password: ").doesNotContain("not-needed");
    }

    private static List<Message> texts(String topic, int n, String padding) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            messages.add(Message.builder(topic).text("m-" + i + " " + padding).build());
        }
        return messages;
    }
}

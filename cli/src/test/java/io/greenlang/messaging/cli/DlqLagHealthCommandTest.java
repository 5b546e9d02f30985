package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.NonRetryableException;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("glm dlq, glm lag and glm health")
class DlqLagHealthCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url;
    private Broker broker;

    @BeforeEach
    void connect() {
        url = Cli.uniqueMemoryUrl();
        broker = Brokers.connect(url);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    /** Dead-letters {@code count} messages in topic/group: a handler rejects each as non-retryable. */
    private void deadLetter(String topic, String group, int count) {
        for (int i = 1; i <= count; i++) {
            broker.publish(Message.builder(topic).text("bad " + i).build());
        }
        Subscription failing = broker.subscribe(SubscriptionOptions.builder(topic, group)
                .startPosition(StartPosition.EARLIEST).build(), d -> {
                    throw new NonRetryableException("cannot parse " + d.message().payloadAsString());
                });
        DeadLetterQueue dlq = broker.deadLetters(topic, group);
        await().atMost(Duration.ofSeconds(10)).until(() -> dlq.count() == count);
        failing.close();
    }

    @Test
    @DisplayName("dlq list prints each dead letter as one JSON line with reason, attempts and exception")
    void list() throws Exception {
        deadLetter("orders", "billing", 3);

        Cli.Result r = Cli.run("dlq", "list", "--url", url, "-t", "orders", "-g", "billing", "--max", "2");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(2);
        JsonNode first = JSON.readTree(r.outLines().get(0));
        assertThat(first.get("reason").asText()).isEqualTo("NON_RETRYABLE");
        assertThat(first.get("attempts").asInt()).isEqualTo(1);
        assertThat(first.get("group").asText()).isEqualTo("billing");
        assertThat(first.get("exceptionClass").asText()).isEqualTo(NonRetryableException.class.getName());
        assertThat(first.get("exceptionMessage").asText()).isEqualTo("cannot parse bad 1");
        assertThat(first.get("message").get("payload").asText()).isEqualTo("bad 1");
        assertThat(first.get("id").asText()).isNotBlank();
        assertThat(r.err()).contains("2 of 3 dead letters in orders/billing.");
    }

    @Test
    @DisplayName("dlq replay sends one dead letter by id, or all of them, back to the group")
    void replay() throws Exception {
        deadLetter("orders", "billing", 3);
        Cli.Result listed = Cli.run("dlq", "list", "--url", url, "-t", "orders", "-g", "billing");
        String id = JSON.readTree(listed.outLines().get(1)).get("id").asText();

        Cli.Result one = Cli.run("dlq", "replay", "--url", url, "-t", "orders", "-g", "billing", "--id", id);
        assertThat(one.exitCode()).as(one.toString()).isZero();
        assertThat(one.out()).isEqualTo("Replayed 1 dead letter to orders/billing." + System.lineSeparator());
        assertThat(broker.deadLetters("orders", "billing").count()).isEqualTo(2);
        assertThat(broker.lag("orders", "billing").backlog()).isEqualTo(1);

        Cli.Result all = Cli.run("dlq", "replay", "--url", url, "-t", "orders", "-g", "billing");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out()).isEqualTo("Replayed 2 dead letters to orders/billing." + System.lineSeparator());
        assertThat(broker.deadLetters("orders", "billing").count()).isZero();
        assertThat(broker.lag("orders", "billing").backlog()).isEqualTo(3);

        Cli.Result consumed = Cli.run("consume", "--url", url, "-t", "orders", "-g", "billing", "-n", "3");
        assertThat(consumed.outLines()).extracting(l -> JSON.readTree(l).get("payload").asText())
                .containsExactlyInAnyOrder("bad 1", "bad 2", "bad 3");
    }

    @Test
    @DisplayName("dlq replay of an unknown id fails in one line")
    void replayUnknownId() {
        Cli.Result r = Cli.run("dlq", "replay", "--url", url, "-t", "orders", "-g", "billing", "--id", "nope");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("glm: No dead letter with id 'nope' in orders/billing. List them with: "
                + "glm dlq list --topic orders --group billing");
    }

    @Test
    @DisplayName("dlq purge removes every dead letter and says how many")
    void purge() {
        deadLetter("orders", "billing", 2);

        Cli.Result r = Cli.run("dlq", "purge", "--url", url, "-t", "orders", "-g", "billing");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Purged 2 dead letters from orders/billing." + System.lineSeparator());
        assertThat(broker.deadLetters("orders", "billing").count()).isZero();
    }

    @Test
    @DisplayName("dlq without a subcommand is a usage error")
    void dlqNeedsASubcommand() {
        Cli.Result r = Cli.run("dlq");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("glm: a subcommand is needed: list, replay or purge (see 'glm dlq "
                + "--help')");
    }

    @Test
    @DisplayName("lag prints backlog, pending and total, as text or JSON")
    void lag() throws Exception {
        broker.subscribe(SubscriptionOptions.builder("metrics", "dashboards").build(), d -> { }).close();
        broker.publishAll(List.of(Message.builder("metrics").text("1").build(),
                Message.builder("metrics").text("2").build()));

        Cli.Result text = Cli.run("lag", "--url", url, "-t", "metrics", "-g", "dashboards");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).isEqualTo("metrics/dashboards: backlog 2, pending 0, total 2" + System.lineSeparator());

        Cli.Result json = Cli.run("lag", "--url", url, "-t", "metrics", "-g", "dashboards", "--json");
        assertThat(JSON.readTree(json.out())).isEqualTo(JSON.readTree(
                "{\"topic\":\"metrics\",\"group\":\"dashboards\",\"groupExists\":true,\"backlog\":2,\"pending\":0,"
                        + "\"total\":2}"));
    }

    @Test
    @DisplayName("lag of a group no member joined says it does not exist, exit code 1")
    void lagOfAMissingGroup() throws Exception {
        broker.publish(Message.builder("metrics").text("1").build());

        Cli.Result text = Cli.run("lag", "--url", url, "-t", "metrics", "-g", "dashbaords");
        assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
        assertThat(text.out()).isEmpty();
        assertThat(text.errLines()).containsExactly("glm: group dashbaords does not exist on topic metrics: no member "
                + "has joined it. Check the names, or start a member: glm consume -t metrics -g dashbaords");

        Cli.Result json = Cli.run("lag", "--url", url, "-t", "metrics", "-g", "dashbaords", "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(json.out()).get("groupExists").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("health prints UP with the round trip and details, exit code 0")
    void health() throws Exception {
        Cli.Result text = Cli.run("health", "--url", url);
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.outLines()).hasSize(1);
        assertThat(text.out()).startsWith("UP " + url + " in ").contains("backend=memory");

        Cli.Result json = Cli.run("health", "--url", url, "--json");
        JsonNode node = JSON.readTree(json.out());
        assertThat(node.get("status").asText()).isEqualTo("UP");
        assertThat(node.get("broker").asText()).isEqualTo(url);
        assertThat(node.get("details").get("backend").asText()).isEqualTo("memory");
    }

    @Test
    @DisplayName("health with the default URL runs against a private memory:// broker")
    void healthDefaultUrl() {
        assumeTrue(System.getenv("GREENLANG_MESSAGING_URL") == null, "GREENLANG_MESSAGING_URL is set");
        Cli.Result r = Cli.run("health");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("UP memory:// in ");
    }
}

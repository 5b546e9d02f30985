package io.greenlang.messaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.patterns.SagaStatus;

/** Runs every example against {@code memory://} and checks what it shows, so the examples cannot rot. */
@Timeout(60)
class ExamplesTest {
    private Broker broker;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @BeforeEach
    void connect() {
        broker = Brokers.connect("memory://");
    }

    @AfterEach
    void close() {
        broker.close();
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    static Stream<Class<?>> examples() {
        return Stream.of(PublishAndConsume.class, BatchPublish.class, PriorityExample.class,
                RetriesAndDeadLetters.class, TimeToLive.class, HealthAndMetrics.class, ConsumerGroupsExample.class,
                RequestReplyExample.class, PubSubExample.class, WorkQueueExample.class, EventSourcingExample.class,
                SagaExample.class, CircuitBreakerExample.class, ConsumerGroupManagerExample.class);
    }

    @ParameterizedTest(name = "{0}.main runs on memory:// and prints what it shows")
    @MethodSource("examples")
    void mainRuns(Class<?> example) throws Exception {
        Method main = example.getMethod("main", String[].class);
        PrintStream original = System.out;
        System.setOut(out);
        try {
            main.invoke(null, (Object) new String[] {"memory://"});
        } finally {
            System.setOut(original);
        }
        assertThat(printed()).as("what %s printed", example.getSimpleName()).isNotBlank();
    }

    @Test
    @DisplayName("publish and consume: three readings arrive decoded")
    void publishAndConsume() {
        assertThat(PublishAndConsume.run(broker, out)).containsExactlyInAnyOrder(
                new PublishAndConsume.Reading("site-1", 12.5), new PublishAndConsume.Reading("site-2", 3.0),
                new PublishAndConsume.Reading("site-3", 7.25));
    }

    @Test
    @DisplayName("batch: 100 confirmed, 100 received")
    void batch() {
        assertThat(BatchPublish.run(broker, out)).isEqualTo(new BatchPublish.Result(100, 100));
    }

    @Test
    @DisplayName("priority: the urgent backlog goes first")
    void priority() {
        assertThat(PriorityExample.run(broker, out)).containsExactly(8, 8, 8, 8, 8, 1, 1, 1, 1, 1);
    }

    @Test
    @DisplayName("retries: the flaky message succeeds on attempt 2, the bad one is dead-lettered, then replayed")
    void retries() {
        RetriesAndDeadLetters.Result r = RetriesAndDeadLetters.run(broker, out);
        assertThat(r.flakyAttempts()).isEqualTo(2);
        assertThat(r.deadLetter().reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(r.deadLetter().attempts()).isEqualTo(3);
        assertThat(r.deadLetter().exceptionMessage()).isEqualTo("no customer number");
        assertThat(r.replayedAndHandled()).isTrue();
    }

    @Test
    @DisplayName("time-to-live: the stale quote is never handled and is dead-lettered as EXPIRED")
    void timeToLive() {
        TimeToLive.Result r = TimeToLive.run(broker, out);
        assertThat(r.handled()).containsExactly("fresh quote");
        assertThat(r.expired().reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(r.expired().message().payloadAsString()).isEqualTo("stale quote");
    }

    @Test
    @DisplayName("health and metrics: up, a lag of 10 that drains, counters that moved")
    void healthAndMetrics() {
        HealthAndMetrics.Result r = HealthAndMetrics.run(broker, out);
        assertThat(r.health().status()).isEqualTo(Health.Status.UP);
        assertThat(r.before().total()).isEqualTo(10);
        assertThat(r.after().total()).isZero();
        assertThat(r.metrics().published()).isEqualTo(10);
        assertThat(r.metrics().acked()).isEqualTo(10);
    }

    @Test
    @DisplayName("consumer groups: billing members share 20 orders, audit sees all 20")
    void consumerGroups() {
        ConsumerGroupsExample.Result r = ConsumerGroupsExample.run(broker, out);
        assertThat(r.billed()).isEqualTo(20);
        assertThat(r.audited()).isEqualTo(20);
    }

    @Test
    @DisplayName("request-reply: 11 answers, each to its question, and a timeout")
    void requestReply() {
        RequestReplyExample.Result r = RequestReplyExample.run(broker, out);
        assertThat(r.answers()).hasSize(11);
        assertThat(r.answers().get(0).text()).isEqualTo("You asked: what is scope 2?");
        for (int i = 1; i <= 10; i++) {
            assertThat(r.answers().get(i).text()).isEqualTo("You asked: question " + i);
        }
        assertThat(r.timedOut()).isTrue();
        assertThat(r.stats().timedOut()).isEqualTo(1);
        assertThat(r.stats().replied()).isEqualTo(11);
    }

    @Test
    @DisplayName("pub-sub: both subscribers get all three alerts")
    void pubSub() {
        PubSubExample.Result r = PubSubExample.run(broker, out);
        assertThat(r.audit()).hasSize(3).containsExactlyInAnyOrderElementsOf(r.pager());
    }

    @Test
    @DisplayName("work queue: 19 tasks done over four workers, the archive task dead-lettered after 3 attempts")
    void workQueue() {
        WorkQueueExample.Result r = WorkQueueExample.run(broker, out);
        assertThat(r.done()).hasSize(19);
        assertThat(r.deadLetters()).singleElement().satisfies(l -> {
            assertThat(l.attempts()).isEqualTo(3);
            assertThat(l.exceptionMessage()).contains("site-archive");
        });
        assertThat(r.workers()).hasSize(4);
        assertThat(r.workers().stream().mapToLong(s -> s.processed()).sum()).isEqualTo(19);
    }

    @Test
    @DisplayName("event sourcing: teller B meets a conflict, rebuilds, and the balance is right")
    void eventSourcing() {
        EventSourcingExample.Result r = EventSourcingExample.run(broker, out);
        assertThat(r.conflict()).contains("version 3").contains("expected 2");
        assertThat(r.account()).isEqualTo(new EventSourcingExample.Account(10_000 - 2_500 - 5_000, 3));
        assertThat(r.version()).isEqualTo(3);
    }

    @Test
    @DisplayName("saga: one report completes, the other compensates two steps in reverse order")
    void saga() {
        SagaExample.Result r = SagaExample.run(broker, out);
        assertThat(r.completed().status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(r.completed().reply("publish-report", String.class)).isEqualTo("https://reports.example/site-42");
        assertThat(r.compensated().status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(r.compensated().failedStep()).contains("publish-report");
        assertThat(r.compensated().compensated()).containsExactly("run-analysis", "collect-data");
        assertThat(r.exchanges()).containsExactly(
                "execute:collect-data", "execute:run-analysis", "execute:publish-report",
                "execute:collect-data", "execute:run-analysis", "execute:publish-report",
                "compensate:run-analysis", "compensate:collect-data");
    }

    @Test
    @DisplayName("circuit breaker: trips after three failures, refuses two calls, recovers after the cool-down")
    void circuitBreaker() {
        CircuitBreakerExample.Result r = CircuitBreakerExample.run(broker, out);
        assertThat(r.transitions()).containsExactly("CLOSED -> OPEN", "OPEN -> HALF_OPEN", "HALF_OPEN -> CLOSED");
        assertThat(r.rejected()).isEqualTo(2);
        assertThat(r.agentCalls()).as("requests that reached the agent: 3 failures and the trial").isEqualTo(4);
    }

    @Test
    @DisplayName("consumer-group manager: scaled 2 to 8 to 1, one restart, every message processed")
    void consumerGroupManager() {
        ConsumerGroupManagerExample.Result r = ConsumerGroupManagerExample.run(broker, out);
        assertThat(r.distinctProcessed()).isEqualTo(r.published()).isEqualTo(1500);
        assertThat(r.stats().restarts()).isEqualTo(1);
        assertThat(r.stats().consumers()).isEqualTo(1);
        assertThat(r.stats().processed()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    @DisplayName("every class with a main method is in the list above, so none goes untested")
    void everyExampleIsRun() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(PublishAndConsume.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).resolve("io/greenlang/messaging/examples");
        java.util.List<String> withMain = new java.util.ArrayList<>();
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> c = Class.forName("io.greenlang.messaging.examples." + name.replace(".class", ""));
                    if (Stream.of(c.getMethods()).anyMatch(m -> m.getName().equals("main"))) {
                        withMain.add(c.getSimpleName());
                    }
                }
            }
        }
        List<String> listed = examples().map(Class::getSimpleName).toList();
        assertThat(listed).hasSize(14).doesNotHaveDuplicates();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(withMain);
    }
}

package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestFailedException;
import io.greenlang.messaging.patterns.RequestHandler;
import io.greenlang.messaging.patterns.RequestTimeoutException;
import io.greenlang.messaging.patterns.SagaCoordinator;
import io.greenlang.messaging.patterns.SagaCoordinatorOptions;
import io.greenlang.messaging.patterns.SagaDefinition;
import io.greenlang.messaging.patterns.SagaFailedException;
import io.greenlang.messaging.patterns.SagaResult;
import io.greenlang.messaging.patterns.SagaStatus;
import io.greenlang.messaging.patterns.SagaStep;

/**
 * The patterns kit's {@code saga} group: a saga runs its steps in order, compensates in reverse, and survives a restart.
 * {@link PatternsContractTest} runs it as its nested class {@code Sagas}, so a failure reads
 * {@code Sagas.required_...}; run this group alone with {@code -Dgroups=saga}.
 */
public abstract class SagasContract extends PatternFeature {
    SagasContract(PatternsContractTest kit) {
        super(kit);
    }

    private final List<String> journal = new CopyOnWriteArrayList<>();
    private final Map<String, String> payloads = new ConcurrentHashMap<>();

    /** A participant that journals "action:step" and then behaves as told. */
    private ReplyService participant(String topic, RequestHandler behaviour) {
        return service(topic, d -> {
            String entry = d.message().header(SagaCoordinator.ACTION_HEADER).orElse("?") + ":"
                    + d.message().header(SagaCoordinator.STEP_HEADER).orElse("?");
            journal.add(entry);
            payloads.put(entry, d.message().payloadAsString());
            return behaviour.handle(d);
        });
    }

    private SagaCoordinator coordinator(String logTopic, SagaDefinition definition) {
        return track(SagaCoordinator.start(broker(), SagaCoordinatorOptions.builder(logTopic)
                .compensationRetryDelay(Duration.ofMillis(50))
                .closeGracePeriod(GRACE)
                .build(), definition));
    }

    /** Three request steps a, b, c on topics prefix.a... with compensations prefix.a.undo... */
    private SagaDefinition threeSteps(String prefix, Duration timeout) {
        SagaDefinition.Builder b = SagaDefinition.builder("report");
        for (String step : List.of("a", "b", "c")) {
            b.step(SagaStep.builder(step).request(prefix + "." + step).compensateWithRequest(prefix + "." + step + ".undo")
                    .timeout(timeout).build());
        }
        return b.build();
    }

    private void participants(String prefix, RequestHandler stepC) {
        participant(prefix + ".a", d -> "a-done");
        participant(prefix + ".b", d -> "b-done");
        participant(prefix + ".c", stepC);
        for (String step : List.of("a", "b", "c")) {
            participant(prefix + "." + step + ".undo", d -> "undone");
        }
    }

    /** A saga begun by a coordinator that was closed while its step b ran, and what that coordinator said. */
    private record ClosedAtStepB(String id, CompletionStage<SagaResult> firstResult) {
    }

    /**
     * Starts participants a, b and c (b's first call waits for {@code firstB}), begins a saga with a first
     * coordinator and closes it once step b is in flight, as a crash would leave it.
     */
    private ClosedAtStepB closedAtStepB(String prefix, SagaDefinition definition, CountDownLatch firstB) {
        AtomicInteger bCalls = new AtomicInteger();
        participant(prefix + ".a", d -> "a-done");
        participant(prefix + ".b", d -> {
            if (bCalls.incrementAndGet() == 1) {
                await(firstB); // the first coordinator "crashes" while this runs
            }
            return "b-done";
        });
        participant(prefix + ".c", d -> "c-done");
        SagaCoordinator first = coordinator(prefix + ".log", definition);
        String id = first.begin("report", new ReportRequest("site-9"));
        timeouts().await("step b in flight").until(() -> journal.contains("execute:b"));
        CompletionStage<SagaResult> firstResult = first.result(id);
        first.close();
        return new ClosedAtStepB(id, firstResult);
    }

    /**
     * A saga whose three steps succeed completes, runs them in order, no compensation, and keeps their
     * replies. If it fails, check the coordinator's step chaining.
     */
    @Test
    @DisplayName("a saga whose steps succeed completes")
    void required_aSagaWhoseStepsSucceedCompletes() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String prefix = topic("saga-ok");
        participants(prefix, d -> "c-done");
        SagaCoordinator sagas = coordinator(prefix + ".log", threeSteps(prefix, timeouts().eventually()));
        SagaResult result = sagas.run("report", new ReportRequest("site-42"));
        assertThat(result.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(journal).containsExactly("execute:a", "execute:b", "execute:c");
        assertThat(result.replies().keySet()).containsExactly("a", "b", "c");
        assertThat(result.reply("b", String.class)).isEqualTo("b-done");
        assertThat(result.compensated()).isEmpty();
        assertThat(result.failedStep()).isEmpty();
        assertThat(new String(broker().codec().encode(new ReportRequest("site-42")), java.nio.charset.StandardCharsets.UTF_8))
                .as("what a step receives: the saga's input").isEqualTo(payloads.get("execute:a"));
        assertThat(sagas.status(result.sagaId())).contains(SagaStatus.COMPLETED);
        assertThat(sagas.inFlight()).isEmpty();
    }

    /**
     * When the third step fails, the compensations of the second and the first step run, in that order,
     * each receiving its step's reply; the saga fails with {@link SagaFailedException}, status COMPENSATED.
     * If it fails, check the order of compensations.
     */
    @Test
    @DisplayName("a saga whose third step fails runs two compensations in reverse order")
    void required_aFailingThirdStepRunsTwoCompensationsInReverseOrder() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String prefix = topic("saga-fail");
        participants(prefix, d -> {
            throw new IllegalStateException("report service down");
        });
        SagaCoordinator sagas = coordinator(prefix + ".log", threeSteps(prefix, timeouts().eventually()));
        assertThatThrownBy(() -> sagas.run("report", new ReportRequest("site-7")))
                .isInstanceOfSatisfying(SagaFailedException.class, e -> {
                    SagaResult r = e.result();
                    assertThat(r.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(r.failedStep()).contains("c");
                    assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f)
                            .contains(RequestFailedException.class.getName()).contains("report service down"));
                    assertThat(r.compensated()).containsExactly("b", "a");
                    assertThat(e.getMessage()).contains("'c'").contains("[b, a]");
                });
        assertThat(journal).containsExactly("execute:a", "execute:b", "execute:c", "compensate:b", "compensate:a");
        assertThat(payloads.get("compensate:b")).as("a compensation receives its step's reply")
                .isEqualTo(new String(broker().codec().encode("b-done"), java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * A step whose participant never answers fails at its timeout, and the completed step before it is
     * compensated. If it fails, check per-step timeouts.
     */
    @Test
    @DisplayName("a step that times out fails the saga and compensates the steps before it")
    void required_aStepThatTimesOutFailsTheSaga() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String prefix = topic("saga-timeout");
        participant(prefix + ".a", d -> "a-done");
        participant(prefix + ".a.undo", d -> "undone");
        SagaDefinition definition = SagaDefinition.builder("report")
                .step(SagaStep.builder("a").request(prefix + ".a").compensateWithRequest(prefix + ".a.undo")
                        .timeout(timeouts().eventually()).build())
                .step(SagaStep.builder("b").request(prefix + ".nobody").timeout(Duration.ofMillis(200)).build())
                .build();
        SagaCoordinator sagas = coordinator(prefix + ".log", definition);
        Throwable failure = failureOf(sagas.startAsync("report", new ReportRequest("site-1")));
        assertThat(failure).isInstanceOfSatisfying(SagaFailedException.class, e -> {
            assertThat(e.result().failedStep()).contains("b");
            assertThat(e.result().failure()).hasValueSatisfying(f -> assertThat(f)
                    .contains(RequestTimeoutException.class.getName()));
            assertThat(e.result().compensated()).containsExactly("a");
        });
        assertThat(journal).containsExactly("execute:a", "compensate:a");
    }

    /**
     * A coordinator closed while the second step is in flight leaves the saga in its log; a new coordinator
     * on that log resumes it, sends the second step again and finishes. If it fails, check that every
     * transition is logged before the next exchange and that the log is read on start.
     */
    @Test
    @DisplayName("a coordinator restarted in the middle of a saga finishes it")
    void required_aRestartedCoordinatorFinishesASagaInFlight() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String prefix = topic("saga-restart");
        CountDownLatch firstB = latch(1);
        SagaDefinition definition = threeSteps(prefix, timeouts().bulk());
        ClosedAtStepB closed = closedAtStepB(prefix, definition, firstB);
        assertThat(failureOf(closed.firstResult())).isInstanceOf(BrokerClosedException.class);

        SagaCoordinator second = coordinator(prefix + ".log", definition);
        assertThat(second.resumed()).containsExactly(closed.id());
        SagaResult result = resultOf(second.result(closed.id()), timeouts().bulk());
        assertThat(result.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(result.replies().keySet()).containsExactly("a", "b", "c");
        assertThat(journal).containsExactly("execute:a", "execute:b", "execute:b", "execute:c");
        firstB.countDown();
    }

    /**
     * A log event that names a step without a readable index (missing, not a number, out of range), written by
     * hand or by another program, is skipped with a warning like any other unreadable event: the next coordinator
     * starts, resumes the saga and finishes it. If it fails, check how the log's step index is read on start.
     */
    @Test
    @DisplayName("a log event without a readable step index is skipped: the next coordinator still resumes the saga")
    void required_aLogEventWithoutAReadableStepIndexIsSkipped() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String prefix = topic("saga-bad-event");
        CountDownLatch firstB = latch(1);
        SagaDefinition definition = threeSteps(prefix, timeouts().bulk());
        String id = closedAtStepB(prefix, definition, firstB).id();
        for (String index : java.util.Arrays.asList(null, "x", "-1", "99")) {
            io.greenlang.messaging.Message.Builder bad = io.greenlang.messaging.Message.builder(prefix + ".log")
                    .text("{}").header(SagaCoordinator.SAGA_ID_HEADER, id)
                    .header(SagaCoordinator.EVENT_HEADER, "STEP_COMPLETED");
            if (index != null) {
                bad.header("greenlang.saga.step-index", index);
            }
            broker().publish(bad.build());
        }

        SagaCoordinator second = coordinator(prefix + ".log", definition);
        assertThat(second.resumed()).containsExactly(id);
        SagaResult result = resultOf(second.result(id), timeouts().bulk());
        assertThat(result.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(result.replies().keySet()).containsExactly("a", "b", "c");
        firstB.countDown();
    }

    /**
     * A coordinator closed while a compensation is in flight leaves the saga compensating; the next one sends
     * that compensation again and runs the rest, in reverse order. If it fails, check how the log records
     * compensations.
     */
    @Test
    @DisplayName("a coordinator restarted while compensating finishes the compensations")
    void required_aRestartedCoordinatorFinishesCompensating() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String prefix = topic("saga-restart-comp");
        CountDownLatch firstUndoB = latch(1);
        AtomicInteger undoBCalls = new AtomicInteger();
        participant(prefix + ".a", d -> "a-done");
        participant(prefix + ".b", d -> "b-done");
        participant(prefix + ".c", d -> {
            throw new IllegalStateException("no");
        });
        participant(prefix + ".a.undo", d -> "undone");
        participant(prefix + ".b.undo", d -> {
            if (undoBCalls.incrementAndGet() == 1) {
                await(firstUndoB);
            }
            return "undone";
        });
        participant(prefix + ".c.undo", d -> "undone");
        SagaDefinition definition = threeSteps(prefix, timeouts().bulk());
        SagaCoordinator first = coordinator(prefix + ".log", definition);
        String id = first.begin("report", new ReportRequest("site-3"));
        timeouts().await("the compensation of b in flight").until(() -> journal.contains("compensate:b"));
        first.close();
        SagaCoordinator second = coordinator(prefix + ".log", definition);
        assertThat(second.resumed()).containsExactly(id);
        Throwable failure = failureOf(second.result(id));
        assertThat(failure).isInstanceOfSatisfying(SagaFailedException.class, e -> {
            assertThat(e.result().status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(e.result().failedStep()).contains("c");
            assertThat(e.result().compensated()).containsExactly("b", "a");
        });
        assertThat(journal).containsExactly("execute:a", "execute:b", "execute:c", "compensate:b", "compensate:b",
                "compensate:a");
        firstUndoB.countDown();
    }
}

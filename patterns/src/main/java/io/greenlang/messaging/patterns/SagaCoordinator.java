package io.greenlang.messaging.patterns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageIds;

/**
 * Runs sagas: sequences of message exchanges ({@link SagaStep}s), where a failing step (an error reply, a
 * timeout, a refused publish) makes the compensations of the completed steps run in reverse order.
 * <pre>{@code
 * try (SagaCoordinator sagas = SagaCoordinator.start(broker, SagaCoordinatorOptions.builder("reports.sagas").build(),
 *         reportSaga)) {
 *     SagaResult done = sagas.run("esg-report", new ReportRequest("site-42"));  // throws SagaFailedException
 * }
 * }</pre>
 *
 * <p><b>State in the broker.</b> Every change of a saga (started with its input, step completed with its
 * reply, step failed, step compensated, finished) is appended to the log topic
 * ({@link SagaCoordinatorOptions#logTopic()}) before the next exchange starts. On start a coordinator reads
 * the whole log and resumes every saga that had not finished: it sends the step (or compensation) that was in
 * flight again, so participants must recognise repeats (see {@link SagaStep}). Run one coordinator per log
 * topic at a time; the log must be retained at least as long as a saga runs. Needs
 * {@link Capability#READ_FROM_POSITION}.
 *
 * <p><b>Threads.</b> Exchanges go through one {@link RequestClient}; every transition (log append, next
 * exchange) runs on one coordinator thread, so a saga's steps never overlap. A log append that fails three
 * times fails that saga's result with the broker's exception, and leaves it in flight in the log for the next
 * coordinator. Compensations are tried {@link SagaCoordinatorOptions#compensationAttempts()} times; if one
 * never succeeds the saga ends {@link SagaStatus#FAILED}.
 *
 * <p>Thread-safe. Closing stops at once, as a crash would, except that it waits for the current transition:
 * sagas in flight stay in flight in the log, and their result stages fail with {@link BrokerClosedException}.
 */
public final class SagaCoordinator implements AutoCloseable {
    /** Header of every exchange and log event: the saga's id. */
    public static final String SAGA_ID_HEADER = "greenlang.saga.id";
    /** Header of every exchange and log event: the saga definition's name. */
    public static final String DEFINITION_HEADER = "greenlang.saga.definition";
    /** Header of every exchange and of step log events: the step's name. */
    public static final String STEP_HEADER = "greenlang.saga.step";
    /** Header of every exchange: {@code execute} or {@code compensate}. */
    public static final String ACTION_HEADER = "greenlang.saga.action";
    /** Header of every log event: what happened (STARTED, STEP_COMPLETED, STEP_FAILED, ...). */
    public static final String EVENT_HEADER = "greenlang.saga.event";

    private final SagaCoordinatorOptions options;
    private final Map<String, SagaDefinition> definitions;
    private final SagaRegistry sagas;
    private final SagaLog log;
    private final SagaRunner runner;
    private final List<String> resumed;

    private SagaCoordinator(Broker broker, SagaCoordinatorOptions options, Map<String, SagaDefinition> definitions) {
        this.options = options;
        this.definitions = definitions;
        this.sagas = new SagaRegistry(options.finishedSagasKept());
        broker.capabilities().require(Capability.READ_FROM_POSITION, broker.name());
        this.log = new SagaLog(broker, options.logTopic());
        List<SagaRun> unfinished = log.readUnfinished(definitions);
        this.runner = new SagaRunner(broker, options, log, sagas);
        List<String> ids = new ArrayList<>();
        for (SagaRun s : unfinished) {
            sagas.add(s);
            ids.add(s.id());
            runner.resume(s);
        }
        this.resumed = List.copyOf(ids);
    }

    /**
     * Starts a coordinator for {@code definitions}: reads the log and resumes the sagas in flight there.
     *
     * @throws io.greenlang.messaging.UnsupportedCapabilityException if the backend cannot read its log
     * @throws IllegalArgumentException if two definitions share a name
     */
    public static SagaCoordinator start(Broker broker, SagaCoordinatorOptions options, SagaDefinition... definitions) {
        return start(broker, options, List.of(definitions));
    }

    /** Starts a coordinator; see {@link #start(Broker, SagaCoordinatorOptions, SagaDefinition...)}. */
    public static SagaCoordinator start(Broker broker, SagaCoordinatorOptions options, List<SagaDefinition> definitions) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(options, "options");
        Map<String, SagaDefinition> byName = new LinkedHashMap<>();
        for (SagaDefinition d : definitions) {
            if (byName.put(d.name(), d) != null) {
                throw new IllegalArgumentException("Two saga definitions are named '" + d.name() + "'.");
            }
        }
        return new SagaCoordinator(broker, options, Map.copyOf(byName));
    }

    public SagaCoordinatorOptions options() {
        return options;
    }

    /**
     * Starts a saga with a new id and returns the id once its start is in the log. The steps run in the
     * background; follow them with {@link #result(String)}.
     *
     * @throws IllegalArgumentException if no definition has that name
     * @throws BrokerClosedException if the coordinator is closed
     */
    public String begin(String definition, Object input) {
        return begin(definition, "saga-" + MessageIds.next(), input);
    }

    /**
     * Starts a saga with the given id; see {@link #begin(String, Object)}.
     *
     * @throws IllegalArgumentException if a saga with that id is in flight
     */
    public String begin(String definition, String sagaId, Object input) {
        return launch(definition, sagaId, input).id();
    }

    /**
     * Starts a saga; the stage completes with its result when every step has completed, or fails with
     * {@link SagaFailedException} once the compensations have run (or one of them failed).
     */
    public CompletionStage<SagaResult> startAsync(String definition, Object input) {
        return launch(definition, "saga-" + MessageIds.next(), input).result().copy();
    }

    /**
     * Runs a saga and waits for it.
     *
     * @throws SagaFailedException if a step failed; its result says which, why, and what was compensated
     */
    public SagaResult run(String definition, Object input) {
        return Broker.await(startAsync(definition, input));
    }

    /**
     * The result of a saga this coordinator started or resumed: a stage that completes (or fails with
     * {@link SagaFailedException}) when it finishes.
     *
     * @throws IllegalArgumentException if the saga is unknown to this coordinator, or finished so long ago that
     *     its result is no longer kept
     */
    public CompletionStage<SagaResult> result(String sagaId) {
        Objects.requireNonNull(sagaId, "sagaId");
        SagaRun s = sagas.inFlight(sagaId);
        if (s != null) {
            return s.result().copy();
        }
        SagaResult r = sagas.finished(sagaId);
        if (r == null) {
            throw new IllegalArgumentException("Saga " + sagaId + " is not known to coordinator "
                    + options.coordinatorId() + ": not started or resumed here, or finished long ago.");
        }
        return r.status() == SagaStatus.COMPLETED ? CompletableFuture.completedFuture(r)
                : CompletableFuture.failedFuture(new SagaFailedException(r));
    }

    /** Where a saga this coordinator knows is; empty if it is unknown. */
    public Optional<SagaStatus> status(String sagaId) {
        SagaRun s = sagas.inFlight(Objects.requireNonNull(sagaId, "sagaId"));
        if (s != null) {
            return Optional.of(s.status());
        }
        return Optional.ofNullable(sagas.finished(sagaId)).map(SagaResult::status);
    }

    /** The ids of the sagas in flight now. */
    public List<String> inFlight() {
        return sagas.inFlightIds();
    }

    /** The ids of the sagas this coordinator found in flight in the log when it started, and resumed. */
    public List<String> resumed() {
        return resumed;
    }

    /**
     * Stops: waits for the current transition (at most the grace period), stops the reply inbox, and fails the
     * result stages of the sagas in flight with {@link BrokerClosedException}; they stay in flight in the log.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!runner.stop()) {
            return;
        }
        for (SagaRun s : sagas.inFlight()) {
            s.result().completeExceptionally(new BrokerClosedException("Saga coordinator " + options.coordinatorId()
                    + " closed while saga " + s.id() + " was " + s.status() + "; a coordinator started on log topic '"
                    + options.logTopic() + "' resumes it."));
        }
    }

    @Override
    public String toString() {
        return "SagaCoordinator{" + options.coordinatorId() + ", log=" + options.logTopic() + ", inFlight="
                + sagas.inFlightCount() + (runner.isStopped() ? ", closed" : "") + "}";
    }

    /** Checks the request, logs the saga's start and hands it to the runner. */
    private SagaRun launch(String definition, String sagaId, Object input) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(input, "input");
        if (sagaId.isBlank()) {
            throw new IllegalArgumentException("sagaId must not be blank");
        }
        SagaDefinition def = definitions.get(definition);
        if (def == null) {
            throw new IllegalArgumentException("No saga definition named '" + definition + "'; this coordinator knows "
                    + definitions.keySet() + ".");
        }
        if (runner.isStopped()) {
            throw new BrokerClosedException("Saga coordinator " + options.coordinatorId() + " is closed.");
        }
        Message started = log.startedEvent(sagaId, def, input);
        SagaRun s = new SagaRun(sagaId, def, started);
        if (!sagas.add(s)) {
            throw new IllegalArgumentException("Saga " + sagaId + " is already in flight.");
        }
        try {
            log.append(started);
        } catch (RuntimeException e) {
            sagas.remove(s);
            throw e;
        }
        runner.begin(s);
        return s;
    }
}

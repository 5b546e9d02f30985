package io.greenlang.messaging.patterns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Durations;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageIds;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;

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

    static final String STEP_INDEX_HEADER = "greenlang.saga.step-index";
    static final String REASON_HEADER = "greenlang.saga.reason";

    private static final System.Logger LOG = System.getLogger(SagaCoordinator.class.getName());
    private static final int PAGE = 500;
    private static final int LOG_APPEND_ATTEMPTS = 3;

    private enum LogEvent {
        STARTED, STEP_COMPLETED, STEP_FAILED, STEP_COMPENSATED, COMPLETED, COMPENSATED, FAILED
    }

    private final Broker broker;
    private final SagaCoordinatorOptions options;
    private final Map<String, SagaDefinition> definitions;
    private final Map<String, Saga> inFlight = new ConcurrentHashMap<>();
    private final Map<String, SagaResult> finished;
    private final List<String> resumed;
    private final RequestClient client;
    private final ExecutorService engine;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** One saga's progress. Fields other than {@code status} are touched on the engine thread only. */
    private final class Saga {
        final String id;
        final SagaDefinition definition;
        final Message input;
        final Map<Integer, Message> replies = new TreeMap<>();
        final List<String> compensated = new ArrayList<>();
        final CompletableFuture<SagaResult> result = new CompletableFuture<>();
        volatile SagaStatus status = SagaStatus.RUNNING;
        int nextStep;
        int failedStep = -1;
        String failure;
        int nextCompensation;
        String compensationFailure;

        Saga(String id, SagaDefinition definition, Message input) {
            this.id = id;
            this.definition = definition;
            this.input = input;
        }

        SagaStep step(int index) {
            return definition.steps().get(index);
        }

        SagaResult snapshot() {
            Map<String, Message> byName = new LinkedHashMap<>();
            replies.forEach((i, m) -> byName.put(step(i).name(), m));
            return new SagaResult(id, definition.name(), status, byName, failedStep < 0 ? null : step(failedStep).name(),
                    failure, compensated, compensationFailure, broker.codec());
        }
    }

    private SagaCoordinator(Broker broker, SagaCoordinatorOptions options, Map<String, SagaDefinition> definitions) {
        this.broker = broker;
        this.options = options;
        this.definitions = definitions;
        int kept = options.finishedSagasKept();
        this.finished = Collections.synchronizedMap(new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SagaResult> eldest) {
                return size() > kept;
            }
        });
        broker.capabilities().require(Capability.READ_FROM_POSITION, broker.name());
        List<Saga> unfinished = readLog();
        this.client = RequestClient.create(broker, RequestClientOptions.builder()
                .clientId(options.coordinatorId())
                .replyTopic(options.logTopic() + ".replies." + options.coordinatorId())
                .closeGracePeriod(options.closeGracePeriod())
                .build());
        this.engine = Executors.newSingleThreadExecutor(Threads.daemon("greenlang-saga-" + options.coordinatorId()));
        this.timer = Threads.scheduler("greenlang-saga-timer-" + options.coordinatorId());
        List<String> ids = new ArrayList<>();
        for (Saga s : unfinished) {
            inFlight.put(s.id, s);
            ids.add(s.id);
            onEngine(s, () -> {
                if (s.status == SagaStatus.RUNNING) {
                    runStep(s, s.nextStep);
                } else {
                    compensate(s, s.nextCompensation, 1);
                }
            });
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
        return launch(definition, sagaId, input).id;
    }

    /**
     * Starts a saga; the stage completes with its result when every step has completed, or fails with
     * {@link SagaFailedException} once the compensations have run (or one of them failed).
     */
    public CompletionStage<SagaResult> startAsync(String definition, Object input) {
        return launch(definition, "saga-" + MessageIds.next(), input).result.copy();
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
        Saga s = inFlight.get(sagaId);
        if (s != null) {
            return s.result.copy();
        }
        SagaResult r = finished.get(sagaId);
        if (r == null) {
            throw new IllegalArgumentException("Saga " + sagaId + " is not known to coordinator "
                    + options.coordinatorId() + ": not started or resumed here, or finished long ago.");
        }
        return r.status() == SagaStatus.COMPLETED ? CompletableFuture.completedFuture(r)
                : CompletableFuture.failedFuture(new SagaFailedException(r));
    }

    /** Where a saga this coordinator knows is; empty if it is unknown. */
    public Optional<SagaStatus> status(String sagaId) {
        Saga s = inFlight.get(Objects.requireNonNull(sagaId, "sagaId"));
        if (s != null) {
            return Optional.of(s.status);
        }
        return Optional.ofNullable(finished.get(sagaId)).map(SagaResult::status);
    }

    /** The ids of the sagas in flight now. */
    public List<String> inFlight() {
        return List.copyOf(inFlight.keySet());
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
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        engine.shutdown();
        try {
            engine.awaitTermination(options.closeGracePeriod().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            engine.shutdownNow();
            timer.shutdownNow();
            client.close();
            for (Saga s : inFlight.values()) {
                s.result.completeExceptionally(new BrokerClosedException("Saga coordinator " + options.coordinatorId()
                        + " closed while saga " + s.id + " was " + s.status + "; a coordinator started on log topic '"
                        + options.logTopic() + "' resumes it."));
            }
        }
    }

    @Override
    public String toString() {
        return "SagaCoordinator{" + options.coordinatorId() + ", log=" + options.logTopic() + ", inFlight="
                + inFlight.size() + (closed.get() ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------------------------------------------

    private Saga launch(String definition, String sagaId, Object input) {
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
        if (closed.get()) {
            throw new BrokerClosedException("Saga coordinator " + options.coordinatorId() + " is closed.");
        }
        Message started = Payloads.withBody(Message.builder(options.logTopic()), input, broker.codec())
                .header(EVENT_HEADER, LogEvent.STARTED.name())
                .header(SAGA_ID_HEADER, sagaId)
                .header(DEFINITION_HEADER, def.name())
                .key(sagaId)
                .build();
        Saga s = new Saga(sagaId, def, started);
        if (inFlight.putIfAbsent(sagaId, s) != null) {
            throw new IllegalArgumentException("Saga " + sagaId + " is already in flight.");
        }
        try {
            appendLog(started);
        } catch (RuntimeException e) {
            inFlight.remove(sagaId, s);
            throw e;
        }
        onEngine(s, () -> runStep(s, 0));
        return s;
    }

    /** Runs {@code transition} on the engine thread, unless closed. A failing transition fails the saga's result. */
    private void onEngine(Saga s, Runnable transition) {
        try {
            engine.execute(() -> {
                if (closed.get()) {
                    return;
                }
                try {
                    transition.run();
                } catch (RuntimeException e) {
                    if (!closed.get()) {
                        LOG.log(System.Logger.Level.WARNING, "Saga " + s.id + " stopped: its log could not be written ("
                                + e + "). It stays in flight in log topic '" + options.logTopic()
                                + "'; a restarted coordinator resumes it.");
                        inFlight.remove(s.id, s);
                        s.result.completeExceptionally(e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: the saga stays in flight in the log
        }
    }

    private void runStep(Saga s, int index) {
        List<SagaStep> steps = s.definition.steps();
        if (index >= steps.size()) {
            finish(s, SagaStatus.COMPLETED);
            return;
        }
        SagaStep step = steps.get(index);
        exchange(s, step, step.action(), "execute", s.input).whenComplete((reply, failure) -> onEngine(s, () -> {
            if (failure == null) {
                Message.Builder event = logEvent(s, LogEvent.STEP_COMPLETED, index);
                if (reply != null) {
                    event.payload(reply.payload()).contentType(reply.contentType());
                }
                appendLog(event.build());
                if (reply != null) {
                    s.replies.put(index, payloadOnly(step, reply));
                }
                s.nextStep = index + 1;
                runStep(s, index + 1);
            } else {
                String reason = describe(step, failure);
                appendLog(logEvent(s, LogEvent.STEP_FAILED, index).header(REASON_HEADER, reason).build());
                s.failedStep = index;
                s.failure = reason;
                s.status = SagaStatus.COMPENSATING;
                s.nextCompensation = index - 1;
                compensate(s, index - 1, 1);
            }
        }));
    }

    private void compensate(Saga s, int from, int attempt) {
        int index = from;
        while (index >= 0 && s.step(index).compensation().isEmpty()) {
            index--;
        }
        if (index < 0) {
            finish(s, SagaStatus.COMPENSATED);
            return;
        }
        int j = index;
        SagaStep step = s.step(j);
        Message source = s.replies.getOrDefault(j, s.input);
        exchange(s, step, step.compensation().orElseThrow(), "compensate", source).whenComplete((r, failure) ->
                onEngine(s, () -> {
                    if (failure == null) {
                        appendLog(logEvent(s, LogEvent.STEP_COMPENSATED, j).build());
                        s.compensated.add(step.name());
                        s.nextCompensation = j - 1;
                        compensate(s, j - 1, 1);
                    } else if (attempt < options.compensationAttempts()) {
                        try {
                            timer.schedule(() -> onEngine(s, () -> compensate(s, j, attempt + 1)),
                                    options.compensationRetryDelay().toNanos(), TimeUnit.NANOSECONDS);
                        } catch (RejectedExecutionException e) {
                            // closed
                        }
                    } else {
                        s.compensationFailure = "the compensation of step '" + step.name() + "' failed: "
                                + describe(step, failure);
                        finish(s, SagaStatus.FAILED);
                    }
                }));
    }

    private void finish(Saga s, SagaStatus status) {
        LogEvent event = status == SagaStatus.COMPLETED ? LogEvent.COMPLETED
                : status == SagaStatus.COMPENSATED ? LogEvent.COMPENSATED : LogEvent.FAILED;
        Message.Builder b = logEvent(s, event, -1);
        if (s.compensationFailure != null) {
            b.header(REASON_HEADER, s.compensationFailure);
        }
        appendLog(b.build());
        s.status = status;
        SagaResult result = s.snapshot();
        finished.put(s.id, result);
        inFlight.remove(s.id, s);
        if (status == SagaStatus.COMPLETED) {
            s.result.complete(result);
        } else {
            s.result.completeExceptionally(new SagaFailedException(result));
        }
    }

    /** Sends one exchange; the stage completes with the reply (null for a publish) or fails. */
    private CompletionStage<Message> exchange(Saga s, SagaStep step, SagaStep.Exchange exchange, String action,
            Message payloadSource) {
        Message m = Message.builder(exchange.topic())
                .payload(payloadSource.payload())
                .contentType(payloadSource.contentType())
                .header(SAGA_ID_HEADER, s.id)
                .header(DEFINITION_HEADER, s.definition.name())
                .header(STEP_HEADER, step.name())
                .header(ACTION_HEADER, action)
                .key(s.id)
                .build();
        try {
            if (exchange.kind() == SagaStep.ExchangeKind.REQUEST) {
                return client.requestAsync(m, step.timeout());
            }
            return broker.publishAsync(m).toCompletableFuture()
                    .orTimeout(step.timeout().toNanos(), TimeUnit.NANOSECONDS)
                    .thenApply(result -> (Message) null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Message.Builder logEvent(Saga s, LogEvent event, int stepIndex) {
        Message.Builder b = Message.builder(options.logTopic())
                .header(EVENT_HEADER, event.name())
                .header(SAGA_ID_HEADER, s.id)
                .header(DEFINITION_HEADER, s.definition.name())
                .key(s.id);
        if (stepIndex >= 0) {
            b.header(STEP_HEADER, s.step(stepIndex).name()).header(STEP_INDEX_HEADER, Integer.toString(stepIndex));
        }
        return b;
    }

    private void appendLog(Message event) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= LOG_APPEND_ATTEMPTS; attempt++) {
            try {
                broker.publish(event);
                return;
            } catch (BrokerClosedException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static Message payloadOnly(SagaStep step, Message reply) {
        return Message.builder(step.action().topic()).payload(reply.payload()).contentType(reply.contentType()).build();
    }

    private static String describe(SagaStep step, Throwable failure) {
        Throwable cause = Payloads.unwrap(failure);
        if (cause instanceof TimeoutException) {
            return "no confirmation within " + Durations.format(step.timeout());
        }
        return Payloads.describe(cause);
    }

    /** Reads the whole log and returns the sagas that have not finished, in the order they started. */
    private List<Saga> readLog() {
        Map<String, Saga> open = new LinkedHashMap<>();
        Position at = Position.beginning();
        while (true) {
            List<RecordedMessage> page = broker.read(options.logTopic(), at, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (RecordedMessage r : page) {
                apply(open, r.message());
            }
            at = page.get(page.size() - 1).position();
        }
        return new ArrayList<>(open.values());
    }

    private void apply(Map<String, Saga> open, Message m) {
        String id = m.header(SAGA_ID_HEADER).orElse(null);
        String eventName = m.header(EVENT_HEADER).orElse(null);
        if (id == null || eventName == null) {
            return;
        }
        LogEvent event;
        try {
            event = LogEvent.valueOf(eventName);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (event == LogEvent.STARTED) {
            String name = m.header(DEFINITION_HEADER).orElse("");
            SagaDefinition def = definitions.get(name);
            if (def == null) {
                LOG.log(System.Logger.Level.WARNING, "Saga " + id + " in log topic '" + options.logTopic()
                        + "' has definition '" + name + "', which this coordinator does not know; it is not resumed.");
                return;
            }
            open.put(id, new Saga(id, def, Message.builder(options.logTopic()).payload(m.payload())
                    .contentType(m.contentType()).build()));
            return;
        }
        Saga s = open.get(id);
        if (s == null) {
            return;
        }
        int index = m.header(STEP_INDEX_HEADER).map(Integer::parseInt).orElse(-1);
        if (index >= s.definition.steps().size()) {
            return;
        }
        switch (event) {
            case STEP_COMPLETED:
                SagaStep step = s.step(index);
                if (step.action().kind() == SagaStep.ExchangeKind.REQUEST) {
                    s.replies.put(index, payloadOnly(step, m));
                }
                s.nextStep = index + 1;
                break;
            case STEP_FAILED:
                s.status = SagaStatus.COMPENSATING;
                s.failedStep = index;
                s.failure = m.header(REASON_HEADER).orElse("unknown");
                s.nextCompensation = index - 1;
                break;
            case STEP_COMPENSATED:
                s.compensated.add(s.step(index).name());
                s.nextCompensation = index - 1;
                break;
            default:
                open.remove(id);
        }
    }
}

package io.greenlang.messaging.patterns;

import static io.greenlang.messaging.patterns.SagaCoordinator.ACTION_HEADER;
import static io.greenlang.messaging.patterns.SagaCoordinator.DEFINITION_HEADER;
import static io.greenlang.messaging.patterns.SagaCoordinator.SAGA_ID_HEADER;
import static io.greenlang.messaging.patterns.SagaCoordinator.STEP_HEADER;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Durations;
import io.greenlang.messaging.Message;

/**
 * Moves sagas along: sends a step's exchange, logs its outcome, and goes on with the next step or, after a failure,
 * with the compensations of the completed steps in reverse order (each tried
 * {@link SagaCoordinatorOptions#compensationAttempts()} times), until the saga finishes.
 *
 * <p>Every transition (log append, next exchange) runs on one engine thread, so a saga's steps never overlap. A
 * transition that throws (its log append failed) stops that saga: its result fails with the exception and it stays
 * in flight in the log for the next coordinator. Once stopped, no transition runs.
 */
final class SagaRunner {
    // Warnings go out under the coordinator's name, where its users look for them.
    private static final System.Logger LOG = System.getLogger(SagaCoordinator.class.getName());

    private final Broker broker;
    private final SagaCoordinatorOptions options;
    private final SagaLog log;
    private final SagaRegistry sagas;
    private final RequestClient client;
    private final ExecutorService engine;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** Starts the reply inbox and the engine and timer threads. */
    SagaRunner(Broker broker, SagaCoordinatorOptions options, SagaLog log, SagaRegistry sagas) {
        this.broker = broker;
        this.options = options;
        this.log = log;
        this.sagas = sagas;
        this.client = RequestClient.create(broker, RequestClientOptions.builder()
                .clientId(options.coordinatorId())
                .replyTopic(options.logTopic() + ".replies." + options.coordinatorId())
                .closeGracePeriod(options.closeGracePeriod())
                .build());
        this.engine = Executors.newSingleThreadExecutor(Threads.daemon("greenlang-saga-" + options.coordinatorId()));
        this.timer = Threads.scheduler("greenlang-saga-timer-" + options.coordinatorId());
    }

    /** Runs a saga whose start is in the log from its first step. */
    void begin(SagaRun s) {
        onEngine(s, () -> runStep(s, 0));
    }

    /** Resumes a saga read back from the log: sends again the step or compensation that was in flight. */
    void resume(SagaRun s) {
        onEngine(s, () -> {
            if (s.status() == SagaStatus.RUNNING) {
                runStep(s, s.nextStep());
            } else {
                compensate(s, s.nextCompensation(), 1);
            }
        });
    }

    boolean isStopped() {
        return stopped.get();
    }

    /**
     * Stops: waits for the current transition (at most the grace period), then stops the threads and the reply
     * inbox. Sagas in flight are left as they are.
     *
     * @return false if it had stopped already
     */
    boolean stop() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
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
        }
        return true;
    }

    /** Runs {@code transition} on the engine thread, unless stopped. A failing transition fails the saga's result. */
    private void onEngine(SagaRun s, Runnable transition) {
        try {
            engine.execute(() -> {
                if (stopped.get()) {
                    return;
                }
                try {
                    transition.run();
                } catch (RuntimeException e) {
                    if (!stopped.get()) {
                        LOG.log(System.Logger.Level.WARNING, "Saga " + s.id() + " stopped: its log could not be written ("
                                + e + "). It stays in flight in log topic '" + options.logTopic()
                                + "'; a restarted coordinator resumes it.");
                        sagas.remove(s);
                        s.result().completeExceptionally(e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // stopped: the saga stays in flight in the log
        }
    }

    private void runStep(SagaRun s, int index) {
        List<SagaStep> steps = s.definition().steps();
        if (index >= steps.size()) {
            finish(s, SagaStatus.COMPLETED);
            return;
        }
        SagaStep step = steps.get(index);
        exchange(s, step, step.action(), "execute", s.input()).whenComplete((reply, failure) -> onEngine(s, () -> {
            if (failure == null) {
                log.stepCompleted(s, index, reply);
                s.stepCompleted(index, reply);
                runStep(s, index + 1);
            } else {
                String reason = describe(step, failure);
                log.stepFailed(s, index, reason);
                s.stepFailed(index, reason);
                compensate(s, index - 1, 1);
            }
        }));
    }

    /** Sends the compensation of the highest step at or below {@code from} that has one; finishes if none is left. */
    private void compensate(SagaRun s, int from, int attempt) {
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
        exchange(s, step, step.compensation().orElseThrow(), "compensate", s.compensationPayload(j))
                .whenComplete((r, failure) -> onEngine(s, () -> {
                    if (failure == null) {
                        log.stepCompensated(s, j);
                        s.stepCompensated(j);
                        compensate(s, j - 1, 1);
                    } else if (attempt < options.compensationAttempts()) {
                        try {
                            timer.schedule(() -> onEngine(s, () -> compensate(s, j, attempt + 1)),
                                    options.compensationRetryDelay().toNanos(), TimeUnit.NANOSECONDS);
                        } catch (RejectedExecutionException e) {
                            // stopped
                        }
                    } else {
                        s.compensationFailed("the compensation of step '" + step.name() + "' failed: "
                                + describe(step, failure));
                        finish(s, SagaStatus.FAILED);
                    }
                }));
    }

    private void finish(SagaRun s, SagaStatus end) {
        log.finished(s, end);
        SagaResult result = s.finish(end, broker.codec());
        sagas.finished(s, result);
        if (end == SagaStatus.COMPLETED) {
            s.result().complete(result);
        } else {
            s.result().completeExceptionally(new SagaFailedException(result));
        }
    }

    /** Sends one exchange; the stage completes with the reply (null for a publish) or fails. */
    private CompletionStage<Message> exchange(SagaRun s, SagaStep step, SagaStep.Exchange exchange, String action,
            Message payloadSource) {
        Message m = Message.builder(exchange.topic())
                .payload(payloadSource.payload())
                .contentType(payloadSource.contentType())
                .header(SAGA_ID_HEADER, s.id())
                .header(DEFINITION_HEADER, s.definition().name())
                .header(STEP_HEADER, step.name())
                .header(ACTION_HEADER, action)
                .key(s.id())
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

    private static String describe(SagaStep step, Throwable failure) {
        Throwable cause = Payloads.unwrap(failure);
        if (cause instanceof TimeoutException) {
            return "no confirmation within " + Durations.format(step.timeout());
        }
        return Payloads.describe(cause);
    }
}

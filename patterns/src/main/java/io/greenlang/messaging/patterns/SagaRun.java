package io.greenlang.messaging.patterns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;

/**
 * One saga's progress: which step runs next, which failed and why, what has been compensated, and the stage its
 * caller waits on. The same transitions are applied while the saga runs and while its log is read back, so a
 * resumed saga is where the running one was.
 *
 * <p>Changed on the coordinator's engine thread only (or by the log reader, before the engine starts);
 * {@link #status()} may be read from any thread.
 */
final class SagaRun {
    private final String id;
    private final SagaDefinition definition;
    private final Message input;
    private final Map<Integer, Message> replies = new TreeMap<>();
    private final List<String> compensated = new ArrayList<>();
    private final CompletableFuture<SagaResult> result = new CompletableFuture<>();
    private volatile SagaStatus status = SagaStatus.RUNNING;
    private int nextStep;
    private int failedStep = -1;
    private String failure;
    private int nextCompensation;
    private String compensationFailure;

    /** {@code input} is read for its payload and content type only: they go out with every step. */
    SagaRun(String id, SagaDefinition definition, Message input) {
        this.id = id;
        this.definition = definition;
        this.input = input;
    }

    String id() {
        return id;
    }

    SagaDefinition definition() {
        return definition;
    }

    Message input() {
        return input;
    }

    SagaStep step(int index) {
        return definition.steps().get(index);
    }

    SagaStatus status() {
        return status;
    }

    /** The stage the saga's callers wait on; hand out copies. */
    CompletableFuture<SagaResult> result() {
        return result;
    }

    /** The step to send when a running saga resumes. */
    int nextStep() {
        return nextStep;
    }

    /** The step whose compensation to send when a compensating saga resumes (the search goes down from it). */
    int nextCompensation() {
        return nextCompensation;
    }

    /** Why a compensation never succeeded; null unless one failed. */
    String compensationFailure() {
        return compensationFailure;
    }

    /** What a compensation of step {@code index} carries: the step's reply, or the saga's input if it had none. */
    Message compensationPayload(int index) {
        return replies.getOrDefault(index, input);
    }

    /** Step {@code index} succeeded; {@code reply} is null for a publish. */
    void stepCompleted(int index, Message reply) {
        if (reply != null) {
            replies.put(index, payloadOnly(step(index), reply));
        }
        nextStep = index + 1;
    }

    /** Step {@code index} failed: the saga now compensates the steps before it. */
    void stepFailed(int index, String reason) {
        failedStep = index;
        failure = reason;
        status = SagaStatus.COMPENSATING;
        nextCompensation = index - 1;
    }

    void stepCompensated(int index) {
        compensated.add(step(index).name());
        nextCompensation = index - 1;
    }

    /** A compensation failed every attempt; the saga is about to end {@link SagaStatus#FAILED}. */
    void compensationFailed(String reason) {
        compensationFailure = reason;
    }

    /** Ends the saga with {@code end} and returns its result; completing {@link #result()} is the caller's. */
    SagaResult finish(SagaStatus end, Codec codec) {
        status = end;
        Map<String, Message> byName = new LinkedHashMap<>();
        replies.forEach((i, m) -> byName.put(step(i).name(), m));
        return new SagaResult(id, definition.name(), status, byName, failedStep < 0 ? null : step(failedStep).name(),
                failure, compensated, compensationFailure, codec);
    }

    /** Keeps a reply's payload and content type only: headers of the reply (or of its log event) are not the step's. */
    private static Message payloadOnly(SagaStep step, Message reply) {
        return Message.builder(step.action().topic()).payload(reply.payload()).contentType(reply.contentType()).build();
    }
}

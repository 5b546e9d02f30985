package io.greenlang.messaging.patterns;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;

/**
 * How a saga ended, or where it is: its status, the replies of its completed request steps, the step that
 * failed and why, and the compensations that ran, in the order they ran. Immutable and thread-safe.
 */
public final class SagaResult {
    private final String sagaId;
    private final String definition;
    private final SagaStatus status;
    private final Map<String, Message> replies;
    private final String failedStep;
    private final String failure;
    private final List<String> compensated;
    private final String compensationFailure;
    private final Codec codec;

    SagaResult(String sagaId, String definition, SagaStatus status, Map<String, Message> replies, String failedStep,
            String failure, List<String> compensated, String compensationFailure, Codec codec) {
        this.sagaId = sagaId;
        this.definition = definition;
        this.status = status;
        this.replies = Collections.unmodifiableMap(new LinkedHashMap<>(replies));
        this.failedStep = failedStep;
        this.failure = failure;
        this.compensated = List.copyOf(compensated);
        this.compensationFailure = compensationFailure;
        this.codec = codec;
    }

    public String sagaId() {
        return sagaId;
    }

    /** The name of the saga's definition. */
    public String definition() {
        return definition;
    }

    public SagaStatus status() {
        return status;
    }

    /**
     * The replies of the completed request steps, by step name, in step order: messages with the reply's payload
     * and content type (other fields are not kept across a coordinator restart).
     */
    public Map<String, Message> replies() {
        return replies;
    }

    /**
     * The reply of a completed request step, decoded as a {@code type} with the broker's codec.
     *
     * @throws IllegalArgumentException if that step has no reply
     */
    public <T> T reply(String step, Class<T> type) {
        Message m = replies.get(Objects.requireNonNull(step, "step"));
        if (m == null) {
            throw new IllegalArgumentException("Saga " + sagaId + " has no reply for step '" + step + "'; replies: "
                    + replies.keySet());
        }
        return Payloads.decode(m, type, codec);
    }

    /** The step that failed, if one did. */
    public Optional<String> failedStep() {
        return Optional.ofNullable(failedStep);
    }

    /** Why it failed: the exception's class and message, if a step failed. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The steps whose compensation completed, in the order they ran (the reverse of the steps' order). */
    public List<String> compensated() {
        return compensated;
    }

    /** For a {@link SagaStatus#FAILED} saga: the compensation that failed on every attempt, and why. */
    public Optional<String> compensationFailure() {
        return Optional.ofNullable(compensationFailure);
    }

    @Override
    public String toString() {
        return "SagaResult{" + sagaId + ", " + definition + ", " + status + ", replies=" + replies.keySet()
                + (failedStep != null ? ", failedStep=" + failedStep + ", failure=" + failure : "")
                + (compensated.isEmpty() ? "" : ", compensated=" + compensated)
                + (compensationFailure != null ? ", compensationFailure=" + compensationFailure : "") + "}";
    }
}

package io.greenlang.messaging.patterns;

import io.greenlang.messaging.MessagingException;

/**
 * A saga did not complete: a step failed, and the compensations of the steps before it ran
 * ({@link SagaStatus#COMPENSATED}) or one of them failed too ({@link SagaStatus#FAILED}, which needs attention).
 * {@link #result()} tells which step failed, why, and what was compensated.
 */
public class SagaFailedException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final transient SagaResult result;

    public SagaFailedException(SagaResult result) {
        super(describe(result));
        this.result = result;
    }

    public SagaResult result() {
        return result;
    }

    private static String describe(SagaResult r) {
        String head = "Saga " + r.sagaId() + " (" + r.definition() + ") failed at step '" + r.failedStep().orElse("?")
                + "': " + r.failure().orElse("unknown failure") + ". ";
        if (r.status() == SagaStatus.COMPENSATED) {
            return head + "Compensated, in order: " + r.compensated() + ".";
        }
        return head + "Status " + r.status() + ": compensated " + r.compensated() + ", then "
                + r.compensationFailure().orElse("a compensation failed") + " on every attempt; the saga needs attention.";
    }
}

package io.greenlang.messaging.patterns;

/** Where a saga is. */
public enum SagaStatus {
    /** Running its steps forward. */
    RUNNING,
    /** A step failed; running the compensations of the completed steps, in reverse order. */
    COMPENSATING,
    /** Every step completed. */
    COMPLETED,
    /** A step failed and every needed compensation completed. */
    COMPENSATED,
    /** A step failed and a compensation failed on every attempt: the saga needs attention. */
    FAILED;

    /** Whether the saga has finished, one way or another. */
    public boolean isTerminal() {
        return this == COMPLETED || this == COMPENSATED || this == FAILED;
    }
}

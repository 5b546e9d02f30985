package io.greenlang.messaging.memory;

import java.time.Instant;

/**
 * An entry waiting in a group for its next hand-over, with the attempt that will be.
 *
 * @param expired the lease that ran out in a handler's hands, if that is how the entry came back, else {@code null}:
 *     while that handler still runs (it hangs), its member must not take the entry back
 */
record Ticket(Entry entry, int attempt, Instant firstFailure, long dueNanos, Lease expired) {
    Ticket(Entry entry) {
        this(entry, 1, null, 0, null);
    }

    Ticket(Entry entry, int attempt, Instant firstFailure, long dueNanos) {
        this(entry, attempt, firstFailure, dueNanos, null);
    }

    /** Whether {@code member} may take it: not while its own handler still holds it past the lease. */
    boolean isFor(String member) {
        return expired == null || expired.handlerReturned || !expired.owner.equals(member);
    }

    int priority() {
        return entry.priority();
    }
}

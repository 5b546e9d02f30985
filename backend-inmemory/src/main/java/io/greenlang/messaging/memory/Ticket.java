package io.greenlang.messaging.memory;

import java.time.Instant;

/** An entry waiting in a group for its next hand-over, with the attempt that will be. */
record Ticket(Entry entry, int attempt, Instant firstFailure, long dueNanos) {
    Ticket(Entry entry) {
        this(entry, 1, null, 0);
    }

    int priority() {
        return entry.priority();
    }
}

package io.greenlang.messaging.memory;

import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One hand-over of an entry to a member of a group. Whoever sets {@code done} first decides its fate: the
 * member settling it (without a lock: the settlement is queued and applied by the group under its lock) or
 * the group taking it back when the deadline passes.
 */
final class Lease {
    enum Action { ACK, RETRY, DEAD_LETTER, RELEASE }

    final Entry entry;
    final int attempt;
    final Instant firstFailure;
    final String owner;
    final AtomicBoolean done = new AtomicBoolean();
    volatile long deadlineNanos;
    int slot = -1; // in the group's LeaseTable; guarded by the topic's lock

    // the settlement, written before done is set and read after it is queued
    Action action;
    long dueNanos;
    Instant nextFirstFailure;
    DeadLetterRequest letter;

    Lease(Entry entry, int attempt, Instant firstFailure, String owner, long deadlineNanos) {
        this.entry = entry;
        this.attempt = attempt;
        this.firstFailure = firstFailure;
        this.owner = owner;
        this.deadlineNanos = deadlineNanos;
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.spi.runtime.InboundMessage;

/**
 * A fetched record and its lease; the handle of the {@link InboundMessage}s a {@link KafkaConsumerSource} returns.
 * Its lease fields are guarded by the record itself ({@link Leases} changes them).
 */
final class FetchedRecord {
    /** Where a record is: fetched, leased to the runtime, being written elsewhere, complete, or lost to this member. */
    enum State { BUFFERED, LEASED, SETTLING, DONE, LOST }

    final AssignedPartition part;
    final long offset;
    final int band;
    final long timestamp;
    final String sortId;
    final long dueMillis;
    InboundMessage inbound;
    int bytes; // of the record's value, set before it is buffered
    State state = State.BUFFERED; // guarded by this
    boolean handedOver; // to a handler; guarded by this
    long deadlineNanos; // guarded by this

    FetchedRecord(AssignedPartition part, long offset, int band, long timestamp, String sortId, long dueMillis) {
        this.part = part;
        this.offset = offset;
        this.band = band;
        this.timestamp = timestamp;
        this.sortId = sortId;
        this.dueMillis = dueMillis;
    }

    static FetchedRecord of(InboundMessage m) {
        return (FetchedRecord) m.handle();
    }

    synchronized boolean transition(State from, State to) {
        if (state != from) {
            return false;
        }
        state = to;
        return true;
    }

    synchronized State state() {
        return state;
    }

    /** By append time, then id, partition and offset; written out, as it runs for every record handed out. */
    static int oldestFirst(FetchedRecord a, FetchedRecord b) {
        int c = Long.compare(a.timestamp, b.timestamp);
        if (c == 0) {
            c = a.sortId.compareTo(b.sortId);
        }
        if (c == 0) {
            c = Integer.compare(a.part.tp.partition(), b.part.tp.partition());
        }
        return c != 0 ? c : Long.compare(a.offset, b.offset);
    }

    /** Identity, as a record is one lease; see {@link #hashCode}. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    /** From the offset rather than the identity hash, which the JVM makes slowly, once per record. */
    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + part.tp.partition();
    }

    @Override
    public String toString() {
        return part.tp + "@" + offset;
    }
}

package io.greenlang.messaging.kafka;

import java.util.ArrayDeque;

/** A partition's fetched records in offset order, and the bytes of their values. Not thread-safe. */
final class PartitionBuffer {
    private final ArrayDeque<FetchedRecord> records = new ArrayDeque<>();
    private long bytes;

    void addLast(FetchedRecord r) {
        records.addLast(r);
        bytes += r.bytes;
    }

    void addFirst(FetchedRecord r) {
        records.addFirst(r);
        bytes += r.bytes;
    }

    FetchedRecord peekFirst() {
        return records.peekFirst();
    }

    void pollFirst() {
        FetchedRecord r = records.pollFirst();
        if (r != null) {
            bytes -= r.bytes;
        }
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    int size() {
        return records.size();
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        records.clear();
        bytes = 0;
    }
}

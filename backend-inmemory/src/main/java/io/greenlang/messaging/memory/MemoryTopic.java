package io.greenlang.messaging.memory;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.VersionConflictException;
import java.util.function.Function;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A topic: an append-only log plus its groups. One lock guards the log and every group of the topic; it is
 * taken once per published batch and once per fetched batch, not per message.
 */
final class MemoryTopic {
    private static final long TRIM_INTERVAL_NANOS = 1_000_000_000L;

    final String name;
    final ReentrantLock lock = new ReentrantLock();
    private final Duration retention;
    private final int maxRetained;
    private final Function<Message, String> hasher;
    private final ArrayList<Entry> log = new ArrayList<>();
    private int head; // index in log of the oldest retained entry
    private long nextOffset;
    private long nextTrimNanos;
    private final Map<String, MemoryGroup> groups = new HashMap<>();

    private Message withDeferredHash(Message m) {
        return m.withDeferredProvenanceHash(hasher);
    }

    MemoryTopic(String name, Duration retention, int maxRetained, Function<Message, String> hasher) {
        this.hasher = hasher;
        this.name = name;
        this.retention = retention;
        this.maxRetained = maxRetained;
    }

    List<Entry> append(List<Message> messages) {
        List<Entry> appended = new ArrayList<>(messages.size());
        lock.lock();
        try {
            trimIfDue();
            for (Message m : messages) {
                Entry e = new Entry(nextOffset++, withDeferredHash(m));
                log.add(e);
                appended.add(e);
            }
            for (MemoryGroup g : groups.values()) {
                g.enqueueNew(appended);
            }
        } finally {
            lock.unlock();
        }
        return appended;
    }

    Entry append(Message message) {
        return appendIfVersion(message, -1);
    }

    /**
     * Appends if {@code expectedVersion} is -1 or the number of messages ever appended.
     *
     * @throws VersionConflictException otherwise
     */
    Entry appendIfVersion(Message message, long expectedVersion) {
        lock.lock();
        try {
            if (expectedVersion >= 0 && expectedVersion != nextOffset) {
                throw new VersionConflictException(name, expectedVersion, nextOffset);
            }
            trimIfDue();
            Entry e = new Entry(nextOffset++, withDeferredHash(message));
            log.add(e);
            for (MemoryGroup g : groups.values()) {
                g.enqueueNew(e);
            }
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** The group, created at {@code start} if it does not exist. */
    MemoryGroup group(String group, StartPosition start) {
        lock.lock();
        try {
            MemoryGroup g = groups.get(group);
            if (g == null) {
                g = new MemoryGroup(this, group);
                groups.put(group, g);
                if (start == StartPosition.EARLIEST) {
                    g.enqueueNew(log.subList(head, log.size()));
                }
            }
            return g;
        } finally {
            lock.unlock();
        }
    }

    /** The group if it exists, else {@code null}. */
    MemoryGroup existingGroup(String group) {
        lock.lock();
        try {
            return groups.get(group);
        } finally {
            lock.unlock();
        }
    }

    /** The group if it exists, else {@code null}; the caller holds the lock. */
    MemoryGroup existingGroupLocked(String group) {
        return groups.get(group);
    }

    List<RecordedMessage> read(Position after, int max) {
        lock.lock();
        try {
            long firstOffset = log.isEmpty() || head == log.size() ? nextOffset : log.get(head).offset();
            long from = after.isBeginning() ? firstOffset : Math.max(firstOffset, parse(after) + 1);
            List<RecordedMessage> out = new ArrayList<>();
            for (long o = from; o < nextOffset && out.size() < max; o++) {
                Entry e = log.get(head + (int) (o - firstOffset));
                out.add(new RecordedMessage(e.message(), e.position()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return log.size() - head;
        } finally {
            lock.unlock();
        }
    }

    private static long parse(Position p) {
        try {
            long offset = Long.parseLong(p.value());
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Position '" + p.value() + "' is not a memory:// position; use "
                + "Position.beginning() or a position returned by this broker.");
    }

    /**
     * Drops entries beyond the size limit or older than the retention from the log (checked at most once a
     * second); groups keep what they still have to deliver.
     */
    private void trimIfDue() {
        while (log.size() - head >= maxRetained) {
            log.set(head++, null);
        }
        long now = System.nanoTime();
        if (now >= nextTrimNanos) {
            nextTrimNanos = now + TRIM_INTERVAL_NANOS;
            Instant cutoff = Instant.now().minus(retention);
            while (head < log.size() && log.get(head).message().createdAt().isBefore(cutoff)) {
                log.set(head++, null);
            }
        }
        if (head > 1024 && head > log.size() / 2) {
            log.subList(0, head).clear();
            head = 0;
        }
    }
}

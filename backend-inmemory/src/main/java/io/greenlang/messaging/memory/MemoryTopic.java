package io.greenlang.messaging.memory;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.spi.wire.EpochMicros;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A topic: an append-only log plus its groups. One lock guards the log and every group of the topic; it is
 * taken once per published batch and once per fetched batch, not per message. The log keeps each message
 * encoded ({@link Entry}), one after the other in slabs: arrays of up to 256 KiB, each freed by the garbage
 * collector once no entry in it is retained or still to be delivered. Publishers encode before they take the
 * lock, and members decode after they release it.
 */
final class MemoryTopic {
    private static final long TRIM_INTERVAL_NANOS = 1_000_000_000L;
    /** Attempts at the lock before parking; a few microseconds, longer than most critical sections here. */
    private static final int LOCK_SPINS = 200;
    /** The size of a topic's first slab; each next one is twice the size of the last, up to the largest. */
    private static final int FIRST_SLAB_BYTES = 16 * 1024;
    /**
     * The largest slab. Small enough that G1, the default collector, never takes it for a humongous object (half
     * a region or more, and regions are at least 1 MiB): allocating those starts a concurrent cycle whenever the
     * old generation is past its threshold, which a log that keeps everything soon is (with 4 MiB slabs, three
     * pauses per slab, and a worse p99 at 1 KiB than with no slabs). Large enough that a young collection copies
     * a slab as one block rather than a thousand small arrays.
     */
    private static final int MAX_SLAB_BYTES = 256 * 1024;

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
    private byte[] slab = new byte[0]; // where the next envelope goes, from slabUsed on
    private int slabUsed;

    MemoryTopic(String name, Duration retention, int maxRetained, Function<Message, String> hasher) {
        this.hasher = hasher;
        this.name = name;
        this.retention = retention;
        this.maxRetained = maxRetained;
    }

    /**
     * Takes the lock, trying for a few microseconds before parking: a producer and a consumer that meet here
     * would otherwise park and wake each other (two system calls) far more often than the lock is held long.
     */
    void lockSpinning() {
        if (!spinForLock()) {
            lock.lock();
        }
    }

    /** As {@link #lockSpinning()}, but interruptible while parked. */
    void lockSpinningInterruptibly() throws InterruptedException {
        if (!spinForLock()) {
            lock.lockInterruptibly();
        }
    }

    /** Tries for the lock {@value #LOCK_SPINS} times; returns whether it was taken. */
    private boolean spinForLock() {
        for (int i = 0; i < LOCK_SPINS; i++) {
            if (lock.tryLock()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    List<Entry> append(List<Message> messages) {
        List<byte[]> encoded = new ArrayList<>(messages.size());
        for (Message m : messages) { // before taking the lock: encoding is most of the work of an append
            encoded.add(WireFormat.encodeWithoutTopic(m));
        }
        List<Entry> appended = new ArrayList<>(messages.size());
        lockSpinning();
        try {
            trimIfDue();
            for (int i = 0; i < messages.size(); i++) {
                Entry e = entry(messages.get(i), encoded.get(i));
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
        byte[] encoded = WireFormat.encodeWithoutTopic(message);
        lockSpinning();
        try {
            if (expectedVersion >= 0 && expectedVersion != nextOffset) {
                throw new VersionConflictException(name, expectedVersion, nextOffset);
            }
            trimIfDue();
            Entry e = entry(message, encoded);
            log.add(e);
            for (MemoryGroup g : groups.values()) {
                g.enqueueNew(e);
            }
            return e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next entry of the log, its envelope copied into the current slab, or into a new one if it does not fit
     * (an envelope larger than the largest slab gets one of its own); the caller holds the lock.
     */
    private Entry entry(Message message, byte[] encoded) {
        int length = encoded.length;
        if (slab.length - slabUsed < length) {
            int next = Math.min(MAX_SLAB_BYTES, Math.max(FIRST_SLAB_BYTES, 2 * slab.length));
            slab = new byte[Math.max(length, next)];
            slabUsed = 0;
        }
        System.arraycopy(encoded, 0, slab, slabUsed, length);
        Entry e = new Entry(nextOffset++, message.priority(), micros(message.createdAt()),
                KeyCodes.of(message.key()), slab, slabUsed, length);
        slabUsed += length;
        return e;
    }

    /**
     * Microseconds since the epoch, saturated at the ends of a {@code long}: a message's time always fits (or it
     * would not have encoded), a trimming cutoff some 300,000 years back does not.
     */
    private static long micros(Instant instant) {
        try {
            return EpochMicros.of(instant);
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * The message of {@code entry}, decoded: an equal message, whose provenance hash, unless its publisher declared
     * one, is computed only if asked for, since messages here never leave the process.
     */
    Message message(Entry entry) {
        Message m;
        try {
            m = WireFormat.decode(entry.slab(), entry.start(), entry.length(), name);
        } catch (PayloadDecodingException e) {
            throw new IllegalStateException("Entry " + entry.offset() + " of " + name + " no longer decodes", e);
        }
        return m.withDeferredProvenanceHash(hasher);
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
        List<Entry> entries = new ArrayList<>();
        lock.lock();
        try {
            long firstOffset = log.isEmpty() || head == log.size() ? nextOffset : log.get(head).offset();
            long from = after.isBeginning() ? firstOffset : Math.max(firstOffset, parse(after) + 1);
            for (long o = from; o < nextOffset && entries.size() < max; o++) {
                entries.add(log.get(head + (int) (o - firstOffset)));
            }
        } finally {
            lock.unlock();
        }
        List<RecordedMessage> out = new ArrayList<>(entries.size());
        for (Entry e : entries) { // decoded without the lock
            out.add(new RecordedMessage(message(e), e.position()));
        }
        return out;
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
            long cutoff = micros(Instant.now().minus(retention));
            while (head < log.size() && log.get(head).createdMicros() < cutoff) {
                log.set(head++, null);
            }
        }
        if (head > 1024 && head > log.size() / 2) {
            log.subList(0, head).clear();
            head = 0;
        }
    }
}

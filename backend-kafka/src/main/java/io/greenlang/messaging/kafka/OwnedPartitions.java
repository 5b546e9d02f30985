package io.greenlang.messaging.kafka;

import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a member owns and the records fetched from them, waiting in the {@link HandOutQueue}, under one
 * lock. The fetcher thread adds partitions and records; the runtime's poller takes records, waiting on the lock's
 * condition, which every change signals (new records, an assignment, a settlement, a release, a stop).
 */
final class OwnedPartitions {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final Map<TopicPartition, AssignedPartition> parts = new HashMap<>();
    private final HandOutQueue queue = new HandOutQueue();
    private long assignmentVersion;

    private volatile Set<TopicPartition> assigned = Set.of();

    /** What the member owns now; read without the lock. */
    Set<TopicPartition> assigned() {
        return assigned;
    }

    AssignedPartition get(TopicPartition tp) {
        lock.lock();
        try {
            return parts.get(tp);
        } finally {
            lock.unlock();
        }
    }

    /** The partitions owned now, a copy. */
    List<AssignedPartition> all() {
        lock.lock();
        try {
            return new ArrayList<>(parts.values());
        } finally {
            lock.unlock();
        }
    }

    /** The owned partitions among {@code tps}. */
    List<AssignedPartition> find(Collection<TopicPartition> tps) {
        lock.lock();
        try {
            return ownedAmong(tps);
        } finally {
            lock.unlock();
        }
    }

    private List<AssignedPartition> ownedAmong(Collection<TopicPartition> tps) {
        List<AssignedPartition> found = new ArrayList<>();
        for (TopicPartition tp : tps) {
            AssignedPartition p = parts.get(tp);
            if (p != null) {
                found.add(p);
            }
        }
        return found;
    }

    void add(Collection<AssignedPartition> added) {
        lock.lock();
        try {
            for (AssignedPartition p : added) {
                parts.put(p.tp, p);
            }
            assigned = Set.copyOf(parts.keySet());
            queue.partitionsChanged(parts.values(), true);
            assignmentVersion++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The owned partitions among {@code revoked}, with what was fetched from them dropped; they stay owned until
     * {@link #remove}d, while their records handed out are settled.
     */
    List<AssignedPartition> dropRecordsOf(Collection<TopicPartition> revoked) {
        lock.lock();
        try {
            List<AssignedPartition> found = ownedAmong(revoked);
            queue.drop(found);
            return found;
        } finally {
            lock.unlock();
        }
    }

    /** No longer owns {@code gone}: they are marked gone, and what was fetched from them is dropped. */
    void remove(Collection<AssignedPartition> gone) {
        lock.lock();
        try {
            for (AssignedPartition p : gone) {
                p.gone = true;
                parts.remove(p.tp);
            }
            queue.drop(gone);
            assigned = Set.copyOf(parts.keySet());
            queue.partitionsChanged(parts.values(), false);
            assignmentVersion++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues fetched records; those of partitions gone meanwhile are dropped. */
    void offer(List<FetchedRecord> fetched, Predicate<String> hungHere) {
        lock.lock();
        try {
            long now = System.currentTimeMillis();
            for (FetchedRecord r : fetched) {
                if (!r.part.gone) {
                    queue.add(r, now, hungHere);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} records, waiting until {@code deadlineNanos} for the first; {@code lease} is called
     * with what was taken before the lock is let go. Returns at once, empty, once {@code stopping}.
     */
    List<InboundMessage> take(int max, long deadlineNanos, BooleanSupplier stopping,
            Consumer<List<InboundMessage>> lease) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                queue.promoteDue(System.currentTimeMillis());
                List<InboundMessage> out = queue.take(max, System.nanoTime());
                if (!out.isEmpty()) {
                    lease.accept(out);
                    return out;
                }
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0 || stopping.getAsBoolean()) {
                    return List.of();
                }
                OptionalLong due = queue.nextDueMillis();
                if (due.isPresent()) {
                    wait = Math.min(wait, TimeUnit.MILLISECONDS.toNanos(Math.max(1,
                            due.getAsLong() - System.currentTimeMillis())));
                }
                changed.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts back released records, in front and in their order, those {@code unlease} takes back from their lease;
     * records of partitions gone meanwhile are dropped.
     */
    void putBack(List<InboundMessage> records, Predicate<FetchedRecord> unlease) {
        lock.lock();
        try {
            for (int i = records.size() - 1; i >= 0; i--) {
                FetchedRecord r = FetchedRecord.of(records.get(i));
                if (unlease.test(r) && !r.part.gone) {
                    queue.putBack(r);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns held-aside records whose handler here returned to their band, and takes the others if
     * {@code canMove} says they can go to another member now.
     */
    List<FetchedRecord> takeHeldAside(Predicate<String> hungHere, BooleanSupplier canMove) {
        lock.lock();
        try {
            if (queue.returnHeldAside(hungHere)) {
                changed.signalAll();
            }
            return queue.takeHeldAside(canMove);
        } finally {
            lock.unlock();
        }
    }

    /** What the fetcher paces its partitions by: each partition's buffered records and bytes. */
    record Level(AssignedPartition part, int size, long bytes) {
    }

    /** The buffer of each partition; a retry partition counts the delayed retries (of all retry partitions). */
    List<Level> levels() {
        lock.lock();
        try {
            List<Level> levels = new ArrayList<>(parts.size());
            for (AssignedPartition p : parts.values()) {
                levels.add(p.retry ? new Level(p, queue.delayedCount(), 0)
                        : new Level(p, p.buffered.size(), p.buffered.bytes()));
            }
            return levels;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes up whoever waits: the poller, the fetcher idling, {@link #awaitAssignmentChange}. */
    void signalAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code max} or until signalled.
     *
     * @return {@code false} if the thread was interrupted (its interrupt flag is set again)
     */
    boolean await(Duration max) {
        lock.lock();
        try {
            changed.awaitNanos(max.toNanos());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the assignment changes; returns whether the member stopped (then there is no point waiting). */
    boolean awaitAssignmentChange(Duration max, BooleanSupplier stopping) {
        lock.lock();
        try {
            long version = assignmentVersion;
            long nanos = max.toNanos();
            while (version == assignmentVersion && nanos > 0 && !stopping.getAsBoolean()) {
                nanos = changed.awaitNanos(nanos);
            }
            return stopping.getAsBoolean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Records buffered, due and delayed, the given count of leased records, and the partitions. */
    String describe(int leased) {
        lock.lock();
        try {
            int buffered = 0;
            for (AssignedPartition p : parts.values()) {
                buffered += p.buffered.size();
            }
            return "buffered=" + buffered + ", dueRetries=" + queue.dueRetryCount() + ", delayed="
                    + queue.delayedCount() + ", leased=" + leased + ", partitions=" + parts.keySet();
        } finally {
            lock.unlock();
        }
    }
}

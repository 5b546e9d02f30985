package io.greenlang.messaging.memory;

import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One member of a {@link MemoryGroup}. Settlements are queued without a lock and applied on the next poll. */
final class MemoryConsumerSource implements ConsumerSource {
    private final MemoryGroup group;
    private final String owner;
    private final boolean ordered;
    private final Duration leaseTimeout;

    MemoryConsumerSource(MemoryGroup group, String owner, boolean ordered, Duration leaseTimeout) {
        this.group = group;
        this.owner = owner;
        this.ordered = ordered;
        this.leaseTimeout = leaseTimeout;
    }

    @Override
    public List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
        List<Lease> leases = group.poll(owner, ordered, max, timeout, leaseTimeout);
        List<InboundMessage> records = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            records.add(InboundMessage.of(group.message(lease.entry), lease.entry.position(), lease.attempt,
                    lease.firstFailure, lease));
        }
        return records;
    }

    /** Should the lease run out, the next delivery is a new attempt (the lease runs from the fetch). */
    @Override
    public void handedOver(InboundMessage record) {
        lease(record).markHandedOver();
    }

    @Override
    public void ack(InboundMessage record) {
        group.settle(lease(record), Lease.Action.ACK, 0, null, null);
    }

    @Override
    public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
        group.settle(lease(record), Lease.Action.RETRY, System.nanoTime() + delay.toNanos(), firstFailure, null);
    }

    @Override
    public void deadLetter(InboundMessage record, DeadLetterRequest request) {
        group.settle(lease(record), Lease.Action.DEAD_LETTER, 0, null, request);
    }

    @Override
    public boolean extendLease(InboundMessage record, Duration extension) {
        return group.extend(lease(record), extension);
    }

    @Override
    public void release(List<InboundMessage> records) {
        for (InboundMessage r : records) {
            group.settle(lease(r), Lease.Action.RELEASE, 0, null, null);
        }
        group.flush();
    }

    /**
     * Nothing to do: whatever reads the group's state (a poll, lag, the dead-letter queue) applies the queued
     * settlements first, so they are never seen unapplied, and taking the topic's lock here after every batch
     * would only make members and publishers wait for each other.
     */
    @Override
    public void flush() {
    }

    @Override
    public void close() {
        group.flush();
    }

    private static Lease lease(InboundMessage record) {
        return (Lease) record.handle();
    }
}

package io.greenlang.messaging.kafka;

import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** A partition assigned to this member: its acknowledgements, its fetched records and its fetch state. */
final class AssignedPartition {
    final TopicPartition tp;
    final boolean retry;
    final int band;
    final PartitionTracker tracker;
    final long assignedNanos = System.nanoTime();
    final PartitionBuffer buffered = new PartitionBuffer(); // guarded by the lock of OwnedPartitions
    volatile OptionalLong lag = OptionalLong.empty();
    long lagAskedNanos = assignedNanos - FetchFlowControl.LAG_REFRESH_NANOS; // fetcher thread only
    boolean paused; // fetcher thread only
    OffsetAndMetadata lastCommitted; // fetcher thread only
    volatile boolean gone;

    AssignedPartition(TopicPartition tp, boolean retry, int band, OffsetAndMetadata committed) {
        this.tp = tp;
        this.retry = retry;
        this.band = band;
        this.tracker = new PartitionTracker(committed);
        this.lastCommitted = committed;
    }
}

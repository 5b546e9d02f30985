package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A commit carries the partitions whose completed prefix moved since their last commit, and only those. */
class OffsetCommitterTest {
    @Test
    void commitsOnlyCommitPointsThatChanged() {
        AssignedPartition unfetched = partition(0);
        AssignedPartition moved = partition(1);
        AssignedPartition committed = partition(2);
        moved.tracker.fetched(10);
        moved.tracker.done(10);
        committed.tracker.fetched(20);
        committed.lastCommitted = committed.tracker.commitPoint();

        assertThat(OffsetCommitter.changedCommitPoints(List.of(unfetched, moved, committed)))
                .containsOnlyKeys(moved.tp)
                .containsEntry(moved.tp, new OffsetAndMetadata(11, PartitionTracker.PREFIX));

        committed.tracker.done(20);
        assertThat(OffsetCommitter.changedCommitPoints(List.of(committed))).containsOnlyKeys(committed.tp);
    }

    private static AssignedPartition partition(int p) {
        return new AssignedPartition(new TopicPartition("t", p), false, 1, null);
    }
}

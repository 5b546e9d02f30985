package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.ConsumerLag;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupLagTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition RETRY = new TopicPartition("__gl.retry.1.t.g", 0);

    @Test
    void countsFromTheCommittedOffsetOrElseFromThePartitionsStart() {
        Map<TopicPartition, Long> ends = Map.of(P0, 100L, P1, 50L, RETRY, 7L);
        Map<TopicPartition, Long> starts = Map.of(P0, 0L, P1, 10L, RETRY, 5L);
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(P0, new OffsetAndMetadata(90));
        assertThat(GroupLag.unfinished(ends, starts, committed)).isEqualTo(10 + 40 + 2);
    }

    @Test
    void leavesOutWhatTheCommitMetadataListsAsCompletedAboveTheOffset() {
        PartitionTracker tracker = new PartitionTracker(null);
        for (long o = 10; o < 20; o++) {
            tracker.fetched(o);
        }
        tracker.done(12);
        tracker.done(13);
        tracker.done(15);
        OffsetAndMetadata commit = tracker.commitPoint(); // offset 10, 12-13 and 15 complete above it
        assertThat(GroupLag.unfinished(Map.of(P0, 20L), Map.of(P0, 0L), Map.of(P0, commit))).isEqualTo(10 - 3);
    }

    @Test
    void neverCountsAPartitionBelowZero() {
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(P0, new OffsetAndMetadata(30));
        assertThat(GroupLag.unfinished(Map.of(P0, 20L), Map.of(P0, 0L), committed)).isZero();
    }

    @Test
    void leasedRecordsArePendingButNeverMoreThanAreUnfinished() {
        assertThat(GroupLag.split("t", "g", 10, 3)).isEqualTo(new ConsumerLag("t", "g", 7, 3));
        assertThat(GroupLag.split("t", "g", 2, 5)).isEqualTo(new ConsumerLag("t", "g", 0, 2));
    }
}

package io.greenlang.messaging.kafka;

import static io.greenlang.messaging.kafka.FetchFlowControl.MAX_BUFFERED_BYTES_PER_PARTITION;
import static io.greenlang.messaging.kafka.FetchFlowControl.MAX_BUFFERED_PER_PARTITION;
import static io.greenlang.messaging.kafka.FetchFlowControl.MAX_DELAYED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When the fetcher pauses and resumes a partition, and when it reads a partition's lag. */
class FetchFlowControlTest {
    @Test
    void aPartitionPausesWhenItsBufferIsFullAndResumesBelowHalf() {
        assertThat(FetchFlowControl.isFull(false, MAX_BUFFERED_PER_PARTITION - 1, 0)).isFalse();
        assertThat(FetchFlowControl.isFull(false, MAX_BUFFERED_PER_PARTITION, 0)).isTrue();
        assertThat(FetchFlowControl.isFull(false, 1, MAX_BUFFERED_BYTES_PER_PARTITION)).isTrue();

        assertThat(FetchFlowControl.isBelowHalf(false, MAX_BUFFERED_PER_PARTITION / 2, 0)).isFalse();
        assertThat(FetchFlowControl.isBelowHalf(false, MAX_BUFFERED_PER_PARTITION / 2 - 1, 0)).isTrue();
        assertThat(FetchFlowControl.isBelowHalf(false, 0, MAX_BUFFERED_BYTES_PER_PARTITION / 2)).isFalse();
    }

    @Test
    void retryPartitionsPauseByTheDelayedRetriesKept() {
        assertThat(FetchFlowControl.isFull(true, MAX_DELAYED, 0)).isTrue();
        assertThat(FetchFlowControl.isFull(true, MAX_DELAYED - 1, 0)).isFalse();
        assertThat(FetchFlowControl.isBelowHalf(true, MAX_DELAYED / 2 - 1, 0)).isTrue();
    }

    @Test
    void theLagOfAnEmptyBandPartitionIsReadDuringTheHoldAfterItsAssignmentNowAndThen() {
        AssignedPartition p = new AssignedPartition(new TopicPartition("b", 0), false, 1, null);
        long now = p.assignedNanos;
        assertThat(FetchFlowControl.wantsLag(p, 0, now)).as("never read yet").isTrue();
        assertThat(FetchFlowControl.wantsLag(p, 1, now)).as("fetched already").isFalse();

        p.lagAskedNanos = now;
        assertThat(FetchFlowControl.wantsLag(p, 0, now + FetchFlowControl.LAG_REFRESH_NANOS - 1)).isFalse();
        assertThat(FetchFlowControl.wantsLag(p, 0, now + FetchFlowControl.LAG_REFRESH_NANOS)).isTrue();
        long holdEnd = p.assignedNanos + TimeUnit.MILLISECONDS.toNanos(HandOutQueue.BAND_HOLD_MILLIS);
        assertThat(FetchFlowControl.wantsLag(p, 0, holdEnd)).as("the hold is over").isFalse();

        AssignedPartition retry = new AssignedPartition(new TopicPartition("r", 0), true, 1, null);
        assertThat(FetchFlowControl.wantsLag(retry, 0, retry.assignedNanos)).isFalse();
    }
}

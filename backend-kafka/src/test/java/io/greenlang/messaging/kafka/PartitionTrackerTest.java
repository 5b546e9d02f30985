package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {
    @Test
    void commitsTheContiguousPrefixAndListsWhatCompletedAboveIt() {
        PartitionTracker t = new PartitionTracker(null);
        assertThat(t.commitPoint()).as("nothing fetched").isNull();
        for (long o = 10; o < 20; o++) {
            assertThat(t.fetched(o)).isTrue();
        }
        assertThat(t.commitPoint()).isEqualTo(new OffsetAndMetadata(10, "gl1:"));
        t.done(10);
        t.done(11);
        t.done(14);
        t.done(15);
        t.done(19);
        OffsetAndMetadata point = t.commitPoint();
        assertThat(point.offset()).isEqualTo(12);
        assertThat(point.metadata()).isEqualTo("gl1:2-3,7-7");
        for (long o = 12; o < 19; o++) {
            t.done(o);
        }
        assertThat(t.commitPoint()).isEqualTo(new OffsetAndMetadata(20, "gl1:"));
    }

    @Test
    void aNewOwnerSkipsWhatCompletedAboveTheCommittedOffset() {
        PartitionTracker next = new PartitionTracker(new OffsetAndMetadata(12, "gl1:2-3,7-7"));
        assertThat(next.fetched(12)).isTrue();
        assertThat(next.fetched(13)).isTrue();
        assertThat(next.fetched(14)).as("completed before").isFalse();
        assertThat(next.fetched(15)).as("completed before").isFalse();
        assertThat(next.fetched(16)).isTrue();
        assertThat(next.fetched(19)).as("completed before").isFalse();
        assertThat(next.fetched(20)).isTrue();
        assertThat(PartitionTracker.completedAbove(new OffsetAndMetadata(12, "gl1:2-3,7-7"))).isEqualTo(3);
    }

    @Test
    void recordsHandedOutAndUnfinishedAreRedeliveredAsANewAttempt() {
        PartitionTracker t = new PartitionTracker(null);
        for (long o = 0; o < 5; o++) {
            t.fetched(o);
        }
        t.handedOut(0, true);
        t.handedOut(1, true);
        t.handedOut(3, true);
        t.done(1);
        OffsetAndMetadata point = t.commitPoint();
        assertThat(point.offset()).isZero();
        assertThat(point.metadata()).isEqualTo("gl1:1-1;h:0,3");
        PartitionTracker next = new PartitionTracker(point);
        assertThat(next.fetched(0)).isTrue();
        assertThat(next.handedOutBefore(0)).isTrue();
        assertThat(next.fetched(1)).as("completed").isFalse();
        assertThat(next.handedOutBefore(2)).isFalse();
        assertThat(next.handedOutBefore(3)).isTrue();
        assertThat(PartitionTracker.completedAbove(point)).isEqualTo(1);
    }

    @Test
    void foreignMetadataIsIgnored() {
        PartitionTracker t = new PartitionTracker(new OffsetAndMetadata(5, "written by another tool"));
        assertThat(t.fetched(6)).isTrue();
        assertThat(PartitionTracker.completedRanges(new OffsetAndMetadata(5, "gl1:x-y"))).isEmpty();
    }

    @Test
    void metadataStaysUnderTheLimit() {
        PartitionTracker t = new PartitionTracker(null);
        for (long o = 0; o < 10_000; o++) {
            t.fetched(o);
            if (o % 2 == 1) {
                t.done(o);
            }
        }
        OffsetAndMetadata point = t.commitPoint();
        assertThat(point.offset()).isZero();
        assertThat(point.metadata().length()).isLessThanOrEqualTo(PartitionTracker.MAX_METADATA);
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The fetched records of a partition count their bytes, which the consumer pauses the partition by. */
class PartitionBufferTest {
    private final AssignedPartition part = new AssignedPartition(new TopicPartition("t", 0), false, 1, null);

    @Test
    void countsTheBytesOfWhatItHolds() {
        PartitionBuffer b = new PartitionBuffer();
        FetchedRecord first = rec(0, 100);
        b.addLast(first);
        b.addLast(rec(1, 250));
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.bytes()).isEqualTo(350);

        b.pollFirst();
        assertThat(b.bytes()).isEqualTo(250);
        b.addFirst(first); // a record released by its handler goes back in front
        assertThat(b.peekFirst()).isSameAs(first);
        assertThat(b.bytes()).isEqualTo(350);

        b.clear();
        assertThat(b.isEmpty()).isTrue();
        assertThat(b.bytes()).isZero();
        b.pollFirst(); // empty: nothing to take, nothing to subtract
        assertThat(b.bytes()).isZero();
    }

    @Test
    void recordsAreEqualOnlyToThemselves() {
        FetchedRecord a = rec(7, 10);
        FetchedRecord b = rec(7, 10);
        assertThat(a).isEqualTo(a).isNotEqualTo(b).hasSameHashCodeAs(b);
    }

    private FetchedRecord rec(long offset, int bytes) {
        FetchedRecord r = new FetchedRecord(part, offset, 1, 0, "id-" + offset, 0);
        r.bytes = bytes;
        return r;
    }
}

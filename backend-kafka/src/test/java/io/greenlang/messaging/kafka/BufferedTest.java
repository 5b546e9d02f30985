package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.kafka.KafkaConsumerSource.Buffered;
import io.greenlang.messaging.kafka.KafkaConsumerSource.Part;
import io.greenlang.messaging.kafka.KafkaConsumerSource.Rec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The fetched records of a partition count their bytes, which the consumer pauses the partition by. */
class BufferedTest {
    private final Part part = new Part(new TopicPartition("t", 0), false, 1, null);

    @Test
    void countsTheBytesOfWhatItHolds() {
        Buffered b = new Buffered();
        Rec first = rec(0, 100);
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
        Rec a = rec(7, 10);
        Rec b = rec(7, 10);
        assertThat(a).isEqualTo(a).isNotEqualTo(b).hasSameHashCodeAs(b);
    }

    private Rec rec(long offset, int bytes) {
        Rec r = new Rec(part, offset, 1, 0, "id-" + offset, 0);
        r.bytes = bytes;
        return r;
    }
}

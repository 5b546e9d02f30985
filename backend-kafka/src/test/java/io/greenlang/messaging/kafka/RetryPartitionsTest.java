package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A record whose lease ran out goes to a retry partition another member owns, where there is one. */
class RetryPartitionsTest {
    private final Set<TopicPartition> owned = new HashSet<>();
    private final RetryPartitions partitions = new RetryPartitions("retry", () -> 4, () -> owned);

    @Test
    void roundRobinOverThePartitionsOthersOwn() {
        owned.add(new TopicPartition("retry", 1));
        owned.add(new TopicPartition("retry", 2));
        owned.add(new TopicPartition("band", 0)); // another topic's partition 0 is not a retry partition

        assertThat(partitions.notOwned()).isEqualTo(0);
        assertThat(partitions.notOwned()).isEqualTo(3);
        assertThat(partitions.notOwned()).isEqualTo(0);
        assertThat(partitions.preferNotOwned()).isEqualTo(3);
    }

    @Test
    void whenTheMemberOwnsEveryRetryPartitionThereIsNoneToMoveToButRoundRobinGoesOn() {
        for (int p = 0; p < 4; p++) {
            owned.add(new TopicPartition("retry", p));
        }

        assertThat(partitions.notOwned()).isNull();
        assertThat(partitions.preferNotOwned()).isEqualTo(0); // four turns went to looking for one
        assertThat(partitions.preferNotOwned()).isEqualTo(1);
    }
}

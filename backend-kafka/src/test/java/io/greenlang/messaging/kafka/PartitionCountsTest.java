package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class PartitionCountsTest {
    private final List<String> lookups = new ArrayList<>();
    private int partitions = 3;

    private List<PartitionInfo> partitionsFor(String topic) {
        lookups.add(topic);
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            infos.add(new PartitionInfo(topic, p, null, null, null));
        }
        return infos;
    }

    @Test
    void aCountIsLookedUpOnceAndThenCached() {
        PartitionCounts counts = new PartitionCounts(this::partitionsFor);
        assertThat(counts.of("t")).isEqualTo(3);
        partitions = 6;
        assertThat(counts.of("t")).as("cached for %s s", PartitionCounts.TTL_SECONDS).isEqualTo(3);
        assertThat(counts.of("t", false)).isEqualTo(3);
        assertThat(counts.of("u")).isEqualTo(6);
        assertThat(lookups).containsExactly("t", "u");
    }

    @Test
    void withoutAnAgeCheckOnlyTheFirstUseLooksUp() {
        PartitionCounts counts = new PartitionCounts(this::partitionsFor);
        assertThat(counts.of("t", false)).isEqualTo(3);
        assertThat(counts.of("t", false)).isEqualTo(3);
        assertThat(lookups).containsExactly("t");
    }

    @Test
    void aTopicTheClientDoesNotKnowCountsAsOnePartition() {
        assertThat(new PartitionCounts(t -> null).of("t")).isEqualTo(1);
        assertThat(new PartitionCounts(t -> List.of()).of("t")).isEqualTo(1);
    }
}

package io.greenlang.messaging.kafka;

import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Chooses the retry partition a member writes a record whose lease ran out to: round robin, one this member does not
 * own where there is one, so that another member takes the record. Used by the fetcher thread only.
 */
final class RetryPartitions {
    private final String retryTopic;
    private final IntSupplier partitionCount;
    private final Supplier<Set<TopicPartition>> owned;
    private int roundRobin;

    /** {@code owned} are the partitions the member owns now, of every topic. */
    RetryPartitions(String retryTopic, IntSupplier partitionCount, Supplier<Set<TopicPartition>> owned) {
        this.retryTopic = retryTopic;
        this.partitionCount = partitionCount;
        this.owned = owned;
    }

    /** A retry partition this member does not own, round robin; {@code null} if it owns all of them. */
    Integer notOwned() {
        int count = partitionCount.getAsInt();
        Set<Integer> mine = new HashSet<>();
        for (TopicPartition tp : owned.get()) {
            if (tp.topic().equals(retryTopic)) {
                mine.add(tp.partition());
            }
        }
        for (int i = 0; i < count; i++) {
            int candidate = Math.floorMod(roundRobin++, count);
            if (!mine.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** A retry partition this member does not own if there is one, else the next one round robin. */
    int preferNotOwned() {
        Integer partition = notOwned();
        return partition != null ? partition : Math.floorMod(roundRobin++, partitionCount.getAsInt());
    }
}

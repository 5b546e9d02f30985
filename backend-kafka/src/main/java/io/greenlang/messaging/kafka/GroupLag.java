package io.greenlang.messaging.kafka;

import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.MessagingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The lag of a group on a topic: the records of its band and retry topics that the group has not finished (from
 * its committed offsets, less what the commit metadata lists as completed above them), split into those a member
 * of this broker holds a lease on (pending) and the rest. Thread-safe.
 */
final class GroupLag {
    private final Admin admin;
    private final KafkaCalls calls;
    private final ConsumerGroups groups;
    private final Collection<KafkaConsumerSource> members;

    /** @param members this broker's live consumers, read at each call */
    GroupLag(Admin admin, KafkaCalls calls, ConsumerGroups groups, Collection<KafkaConsumerSource> members) {
        this.admin = admin;
        this.calls = calls;
        this.groups = groups;
        this.members = members;
    }

    ConsumerLag of(String topic, String group) {
        String groupId = TopicNames.groupId(topic, group);
        Map<TopicPartition, OffsetAndMetadata> committed = groups.committedOffsets(groupId);
        if (committed.isEmpty()) { // a member joining commits the group's start offsets
            return ConsumerLag.ofMissingGroup(topic, group);
        }
        List<String> topics = new ArrayList<>(TopicNames.bandTopics(topic));
        topics.add(TopicNames.retryTopic(topic, group));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        try {
            Map<String, TopicDescription> d = calls.await(admin.describeTopics(topics).allTopicNames()
                    .toCompletionStage(), "Describing " + topics);
            d.values().forEach(td -> td.partitions().forEach(p -> {
                TopicPartition tp = new TopicPartition(td.name(), p.partition());
                latest.put(tp, OffsetSpec.latest());
                earliest.put(tp, OffsetSpec.earliest());
            }));
        } catch (MessagingException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new ConsumerLag(topic, group, 0, 0);
            }
            throw e;
        }
        Map<TopicPartition, Long> ends = offsets(calls.await(admin.listOffsets(latest).all().toCompletionStage(),
                "Reading end offsets of " + topic));
        Map<TopicPartition, Long> starts = offsets(calls.await(admin.listOffsets(earliest).all().toCompletionStage(),
                "Reading start offsets of " + topic));
        long leased = 0;
        for (KafkaConsumerSource s : members) {
            if (s.groupId().equals(groupId)) {
                leased += s.leasedCount();
            }
        }
        return split(topic, group, unfinished(ends, starts, committed), leased);
    }

    private static Map<TopicPartition, Long> offsets(Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> m) {
        Map<TopicPartition, Long> out = new HashMap<>();
        m.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /**
     * The records the group has not finished, over every partition of {@code ends}: from its committed offset (or
     * the partition's start, if it has none) to the end, less the offsets the commit metadata marks completed.
     */
    static long unfinished(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> starts,
            Map<TopicPartition, OffsetAndMetadata> committed) {
        long total = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long from = c != null ? c.offset() : starts.get(e.getKey());
            long done = c != null ? PartitionTracker.completedAbove(c) : 0;
            total += Math.max(0, e.getValue() - from - done);
        }
        return total;
    }

    /** The lag of {@code unfinished} records of which {@code leased} are held by members: pending, at most all. */
    static ConsumerLag split(String topic, String group, long unfinished, long leased) {
        long pending = Math.min(leased, unfinished);
        return new ConsumerLag(topic, group, unfinished - pending, pending);
    }
}

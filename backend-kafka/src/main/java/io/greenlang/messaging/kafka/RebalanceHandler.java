package io.greenlang.messaging.kafka;

import io.greenlang.messaging.spi.priority.PriorityBands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's rebalance callbacks; they run on the fetcher thread, inside {@code poll}.
 *
 * <p>An assigned partition starts from its committed offset and metadata, so what a previous owner completed above
 * the offset is skipped ({@link PartitionTracker}). On revocation the member drops what it buffered for the revoked
 * partitions (the next owner reads it from the committed offset), waits until the records it handed out from them
 * are settled or their leases run out (the fetcher bounds that wait), commits synchronously and forgets them. So a
 * lease holds across a rebalance, and nothing acknowledged is delivered again. Partitions lost without revocation
 * are forgotten at once; their unfinished records go to the next owner.
 */
final class RebalanceHandler implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceHandler.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaSettings settings;
    private final List<String> bandTopics;
    private final String retryTopic;
    private final String groupId;
    private final String consumerName;
    private final OwnedPartitions partitions;
    private final Leases leases;
    private final OffsetCommitter committer;
    private final Consumer<List<AssignedPartition>> awaitSettlement;

    /** {@code awaitSettlement} waits, bounded, until the records handed out from revoked partitions are settled. */
    RebalanceHandler(KafkaConsumer<byte[], byte[]> consumer, KafkaSettings settings, List<String> bandTopics,
            String retryTopic, String groupId, String consumerName, OwnedPartitions partitions, Leases leases,
            OffsetCommitter committer, Consumer<List<AssignedPartition>> awaitSettlement) {
        this.consumer = consumer;
        this.settings = settings;
        this.bandTopics = bandTopics;
        this.retryTopic = retryTopic;
        this.groupId = groupId;
        this.consumerName = consumerName;
        this.partitions = partitions;
        this.leases = leases;
        this.committer = committer;
        this.awaitSettlement = awaitSettlement;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        List<AssignedPartition> gone = partitions.dropRecordsOf(revoked);
        awaitSettlement.accept(gone);
        committer.commit(gone, true);
        forget(gone);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
        if (added.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(new HashSet<>(added), settings.requestTimeout());
        } catch (RuntimeException e) {
            LOG.warn("Reading committed offsets of {} failed: {}", groupId, e.toString());
            committed = Map.of();
        }
        List<AssignedPartition> assigned = new ArrayList<>(added.size());
        for (TopicPartition tp : added) {
            boolean retry = tp.topic().equals(retryTopic);
            int band = retry ? PriorityBands.DEFAULT : bandTopics.indexOf(tp.topic());
            assigned.add(new AssignedPartition(tp, retry, band, committed == null ? null : committed.get(tp)));
        }
        partitions.add(assigned);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        List<AssignedPartition> gone = partitions.find(lost);
        LOG.warn("Member {} of {} lost partitions {} without revoking them; their unfinished messages go to the "
                + "next owner", consumerName, groupId, lost);
        forget(gone);
    }

    /** Forgets every partition, as the member leaves the group or stops. */
    void forgetAll() {
        forget(partitions.all());
    }

    /** Forgets partitions; handed-out records of theirs still unsettled are lost to this member. */
    private void forget(List<AssignedPartition> gone) {
        partitions.remove(gone);
        leases.lose(gone);
    }
}

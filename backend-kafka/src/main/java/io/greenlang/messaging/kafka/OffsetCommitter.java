package io.greenlang.messaging.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each partition's completed prefix ({@link PartitionTracker#commitPoint}) when it changed: asynchronously
 * every {@code commit-interval} or when asked ({@link #request}), synchronously on revocation and close. A failed
 * commit is made again at the next one. Fetcher thread only, as it touches the consumer; {@link #request} from any.
 */
final class OffsetCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaSettings settings;
    private final String groupId;
    private volatile boolean requested;
    private long nextCommitNanos;

    OffsetCommitter(KafkaConsumer<byte[], byte[]> consumer, KafkaSettings settings, String groupId) {
        this.consumer = consumer;
        this.settings = settings;
        this.groupId = groupId;
    }

    /** Commits at the fetcher's next turn, whatever the interval. */
    void request() {
        requested = true;
    }

    /** Commits the owned partitions asynchronously if the interval passed or a commit was requested. */
    void commitIfDue(Supplier<Collection<AssignedPartition>> owned) {
        long now = System.nanoTime();
        if (!requested && now - nextCommitNanos < 0) {
            return;
        }
        requested = false;
        nextCommitNanos = now + settings.commitInterval().toNanos();
        commit(owned.get(), false);
    }

    void commit(Collection<AssignedPartition> toCommit, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = changedCommitPoints(toCommit);
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, AssignedPartition> byTp = new HashMap<>();
        toCommit.forEach(p -> byTp.put(p.tp, p));
        try {
            if (sync) {
                consumer.commitSync(offsets, settings.requestTimeout());
                offsets.forEach((tp, o) -> byTp.get(tp).lastCommitted = o);
            } else {
                offsets.forEach((tp, o) -> byTp.get(tp).lastCommitted = o);
                consumer.commitAsync(offsets, (committed, e) -> {
                    if (e != null) {
                        LOG.debug("Committing offsets of {} failed; they are committed again: {}", groupId, e.toString());
                        committed.keySet().forEach(tp -> {
                            AssignedPartition p = byTp.get(tp);
                            if (p != null) {
                                p.lastCommitted = null;
                            }
                        });
                    }
                });
            }
        } catch (WakeupException e) {
            if (sync) {
                commit(toCommit, true);
            }
        } catch (RuntimeException e) {
            LOG.warn("Committing offsets of {} failed: {}", groupId, e.toString());
            offsets.keySet().forEach(tp -> byTp.get(tp).lastCommitted = null);
        }
    }

    /** The commit point of each partition whose point moved since it was last committed. */
    static Map<TopicPartition, OffsetAndMetadata> changedCommitPoints(Collection<AssignedPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (AssignedPartition p : partitions) {
            OffsetAndMetadata point = p.tracker.commitPoint();
            if (point != null && !point.equals(p.lastCommitted)) {
                offsets.put(p.tp, point);
            }
        }
        return offsets;
    }
}

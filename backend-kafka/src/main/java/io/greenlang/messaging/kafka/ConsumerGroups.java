package io.greenlang.messaging.kafka;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.StartPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka consumer groups behind subscriptions, through the admin client: a new group's start offsets and session
 * timeout before its first member joins, waiting until a new member has its share, and a group's committed offsets.
 * Thread-safe.
 */
final class ConsumerGroups {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroups.class);
    private static final Duration ASSIGNMENT_CHECK_PAUSE = Duration.ofMillis(100);

    private final Admin admin;
    private final KafkaSettings settings;
    private final KafkaCalls calls;
    private final GroupSessionTimeout sessionTimeouts;

    ConsumerGroups(Admin admin, KafkaSettings settings, KafkaCalls calls, GroupSessionTimeout sessionTimeouts) {
        this.admin = admin;
        this.settings = settings;
        this.calls = calls;
        this.sessionTimeouts = sessionTimeouts;
    }

    /**
     * Makes the group ready for a member to join: creates it at {@code start} if it has no committed offsets yet
     * (see {@link #initialize}), and sets its session timeout ({@link GroupSessionTimeout}). The topics must exist.
     */
    void prepare(String groupId, List<String> bands, String retry, StartPosition start) {
        initialize(groupId, bands, retry, start);
        sessionTimeouts.apply(groupId);
    }

    /**
     * Creates the group at its start position if it has no committed offsets yet: band partitions at their end
     * (LATEST) or beginning (EARLIEST), retry partitions at their beginning. Partitions added later start at their
     * beginning ({@code auto.offset.reset=earliest}), since everything in them is newer than the group.
     */
    private void initialize(String groupId, List<String> bands, String retry, StartPosition start) {
        String what = "Creating consumer group " + groupId;
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(groupId);
        Set<String> bandSet = new HashSet<>(bands);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
            if (e.getValue() != null && bandSet.contains(e.getKey().topic())) {
                return; // the group exists
            }
        }
        List<String> all = new ArrayList<>(bands);
        all.add(retry);
        calls.retrying(what, () -> {
            setStartOffsets(groupId, all, bandSet, start, what);
            return null;
        });
    }

    private void setStartOffsets(String groupId, List<String> all, Set<String> bandSet, StartPosition start,
            String what) {
        Map<String, TopicDescription> descriptions = calls.await(admin.describeTopics(all).allTopicNames()
                .toCompletionStage(), what);
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicDescription d : descriptions.values()) {
            boolean isBand = bandSet.contains(d.name());
            OffsetSpec spec = isBand && start == StartPosition.LATEST ? OffsetSpec.latest() : OffsetSpec.earliest();
            d.partitions().forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), spec));
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = calls.await(admin.listOffsets(specs)
                .all().toCompletionStage(), what);
        Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
        offsets.forEach((tp, info) -> initial.put(tp, new OffsetAndMetadata(info.offset())));
        try {
            calls.await(admin.alterConsumerGroupOffsets(groupId, initial).all().toCompletionStage(), what);
        } catch (MessagingException e) {
            Throwable c = e.getCause();
            if (!(c instanceof GroupNotEmptyException || c instanceof UnknownMemberIdException)) {
                throw e;
            }
            // another member joined meanwhile and created the group itself
        }
    }

    /** The group's committed offsets; empty if the group does not exist. */
    Map<TopicPartition, OffsetAndMetadata> committedOffsets(String groupId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = calls.await(admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().toCompletionStage(), "Reading the offsets of group " + groupId);
            return m == null ? Map.of() : m;
        } catch (MessagingException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
    }

    /**
     * Waits until the new member owns what the group coordinator means it to own (its target assignment), so that
     * work published right after {@code subscribe} returns is spread over every member; its handlers already take
     * what it owns meanwhile. Bounded by option {@code join-timeout}: a member still waiting for partitions that
     * others hand over only when their running handlers finish returns anyway and gets them later.
     */
    void awaitJoin(KafkaConsumerSource source, String groupId) {
        long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
        while (System.nanoTime() - deadline < 0) {
            String memberId = source.memberId();
            Set<TopicPartition> owned = source.assignedPartitions();
            if (memberId != null && !memberId.isEmpty()) {
                try {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                            .get(groupId).get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    if (ownsTarget(d, memberId, owned)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Describing group {} failed: {}", groupId, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (source.awaitAssignmentChange(ASSIGNMENT_CHECK_PAUSE)) {
                return; // the source stopped
            }
        }
        LOG.debug("Member {} of group {} started before the group settled (join-timeout {})",
                source.memberId(), groupId, settings.joinTimeout());
    }

    /** Whether the group's target assignment is current and gives the member exactly what it owns. */
    private static boolean ownsTarget(ConsumerGroupDescription d, String memberId, Set<TopicPartition> owned) {
        boolean targetCurrent = d.groupEpoch().isPresent() && d.groupEpoch().equals(d.targetAssignmentEpoch());
        for (MemberDescription m : targetCurrent ? d.members() : List.<MemberDescription>of()) {
            if (m.consumerId().equals(memberId) && m.targetAssignment().isPresent()
                    && m.targetAssignment().get().topicPartitions().equals(owned)) {
                return true;
            }
        }
        return false;
    }
}

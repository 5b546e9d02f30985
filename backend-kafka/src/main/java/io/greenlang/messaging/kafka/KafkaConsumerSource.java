package io.greenlang.messaging.kafka;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.HandOvers;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a group: a {@link org.apache.kafka.clients.consumer.KafkaConsumer} on its own {@link Fetcher}
 * thread, with per-message leases and acknowledgements on top of partition offsets. This class is the runtime's side;
 * the parts do the work:
 *
 * <ul>
 *   <li>{@link Fetcher}: the thread that alone touches the consumer. It polls continuously (so the member stays in
 *       the group however long handlers run), buffers what it fetched, expires leases, commits
 *       ({@link OffsetCommitter}, every {@code commit-interval} and synchronously on revocation and close), paces
 *       partitions ({@link FetchFlowControl}) and runs the rebalance callbacks ({@link RebalanceHandler}).</li>
 *   <li>{@link OwnedPartitions} and {@link HandOutQueue}: what the member owns and fetched, and the order it is
 *       handed out in: each band oldest first, the band chosen by a {@link BandScheduler}, lower bands held back
 *       right after an assignment until every higher band was fetched once (at most
 *       {@value HandOutQueue#BAND_HOLD_MILLIS} ms).</li>
 *   <li>{@link Leases}: settlements come from any thread and are applied at once to the partition's
 *       {@link PartitionTracker}. A record given to the runtime is leased for the subscription's lease timeout, again
 *       from its hand-over to a handler ({@link #handedOver}); {@link #extendLease} moves the deadline.</li>
 *   <li>{@link RetryWriter}: failed records go to the group's retry topic with their due time; when a lease runs
 *       out the record goes there due at once, with the attempt raised if it had been handed to a handler
 *       ({@link HandOvers}), on a retry partition this member does not own where there is one; the original is then
 *       complete, so the committed prefix advances, and the late handler's settlement is ignored.</li>
 * </ul>
 *
 * <p>While a handler whose lease ran out still runs (it hangs), this member does not hand its re-published record
 * out itself: if it comes back here (it owns every retry partition), it is held aside and moved to a retry partition
 * another member owns as soon as there is one. When every handler hangs the runtime reports the member
 * {@linkplain #stalled stalled}: it leaves the group until the runtime polls again, so that its partitions, and the
 * re-published records, go to the other members.
 *
 * <p>Retry records not yet due are kept in memory (without pausing the partition: later, earlier-due records keep
 * flowing) and handed out once due, ahead of new records of their band. Up to
 * {@value FetchFlowControl#MAX_DELAYED} are kept; beyond that retry partitions pause.
 */
final class KafkaConsumerSource implements ConsumerSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConsumerSource.class);

    private final KafkaBroker broker;
    private final SubscriptionOptions options;
    private final String groupId;
    private final OwnedPartitions partitions = new OwnedPartitions();
    private final Leases leases = new Leases(partitions::signalAll);
    private final RetryWriter retryWriter;
    private final Fetcher fetcher;

    KafkaConsumerSource(KafkaBroker broker, SubscriptionOptions options, List<String> bandTopics, String retryTopic,
            String groupId) {
        this.broker = broker;
        this.options = options;
        this.groupId = groupId;
        RetryPartitions retryPartitions = new RetryPartitions(retryTopic, () -> broker.partitionCount(retryTopic),
                partitions::assigned);
        this.retryWriter = new RetryWriter(broker, options, retryTopic, groupId, leases, retryPartitions);
        this.fetcher = new Fetcher(broker, options, bandTopics, retryTopic, groupId, partitions, leases, retryWriter);
    }

    void start() {
        fetcher.start();
    }

    String groupId() {
        return groupId;
    }

    String memberId() {
        return fetcher.memberId();
    }

    Set<TopicPartition> assignedPartitions() {
        return partitions.assigned();
    }

    int leasedCount() {
        return leases.count();
    }

    /** Waits until the assignment changes; returns whether the source stopped (then there is no point waiting). */
    boolean awaitAssignmentChange(Duration max) {
        RuntimeException failure = fetcher.failure();
        if (failure != null) {
            throw failure;
        }
        return partitions.awaitAssignmentChange(max, fetcher::stopping);
    }

    @Override
    public List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
        RuntimeException failure = fetcher.failure();
        if (failure != null) {
            throw new MessagingException("The Kafka consumer of group " + groupId
                    + " stopped; close this subscription and subscribe again: " + failure, failure);
        }
        long now = System.nanoTime();
        fetcher.runtimePolled(now);
        return partitions.take(max, now + timeout.toNanos(), fetcher::stopping,
                taken -> leases.lease(taken, options.leaseTimeout()));
    }

    /** The lease runs from here; commits list the record as handed out, so a next owner raises its attempt. */
    @Override
    public void handedOver(InboundMessage record) {
        leases.handedOver(FetchedRecord.of(record), options.leaseTimeout());
    }

    /** Every handler hangs: the fetcher leaves the group until the runtime polls again. */
    @Override
    public void stalled() {
        fetcher.requestStall();
    }

    @Override
    public void ack(InboundMessage record) {
        leases.ack(FetchedRecord.of(record));
    }

    @Override
    public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
        FetchedRecord r = FetchedRecord.of(record);
        if (leases.startSettling(r)) {
            retryWriter.retry(r, delay, firstFailure);
        }
    }

    @Override
    public void deadLetter(InboundMessage record, DeadLetterRequest request) {
        FetchedRecord r = FetchedRecord.of(record);
        if (!leases.startSettling(r)) {
            return;
        }
        CompletableFuture<?> stored;
        try {
            stored = broker.storeDeadLetter(options.topic(), options.group(), request, r.inbound.position());
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((md, e) -> {
            if (e == null) {
                leases.settled(r);
            } else {
                LOG.error("Storing a dead letter of {}/{} failed; the message stays with this member and is tried "
                        + "again: {}", options.topic(), options.group(), e.toString());
                leases.failedSettlement(r);
            }
        });
    }

    @Override
    public boolean extendLease(InboundMessage record, Duration extension) {
        return leases.extend(FetchedRecord.of(record), extension);
    }

    @Override
    public void release(List<InboundMessage> records) {
        partitions.putBack(records, leases::release);
    }

    @Override
    public void flush() {
        fetcher.requestCommit();
    }

    @Override
    public void close() {
        fetcher.close();
        broker.forget(this);
    }

    @Override
    public String toString() {
        return "KafkaConsumerSource{" + groupId + "/" + options.consumerName() + "}";
    }

    /** For tests and diagnostics: records buffered, delayed and leased. */
    String describe() {
        return partitions.describe(leases.count());
    }
}

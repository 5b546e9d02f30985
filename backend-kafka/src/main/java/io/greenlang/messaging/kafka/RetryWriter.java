package io.greenlang.messaging.kafka;

import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records back to the group through its retry topic: failed ones due after their backoff, those whose lease
 * ran out due at once (on a retry partition another member owns, where there is one), and those held aside for
 * another member. The original completes once the broker has the copy; if the write fails, the record stays with this
 * member and is written again when its short lease runs out ({@link Leases#failedSettlement}).
 */
final class RetryWriter {
    private static final Logger LOG = LoggerFactory.getLogger(RetryWriter.class);

    private final KafkaBroker broker;
    private final SubscriptionOptions options;
    private final String retryTopic;
    private final String groupId;
    private final Leases leases;
    private final RetryPartitions partitions;

    RetryWriter(KafkaBroker broker, SubscriptionOptions options, String retryTopic, String groupId, Leases leases,
            RetryPartitions partitions) {
        this.broker = broker;
        this.options = options;
        this.retryTopic = retryTopic;
        this.groupId = groupId;
        this.leases = leases;
        this.partitions = partitions;
    }

    /** A handler failed the record ({@linkplain Leases#startSettling settling}): next attempt, after {@code delay}. */
    void retry(FetchedRecord r, Duration delay, Instant firstFailure) {
        long due = System.currentTimeMillis() + delay.toMillis();
        write(r, r.inbound.attempt() + 1, due, firstFailure, null);
    }

    /** The record's lease ran out ({@link Leases#expire}): back to the group at once, preferably to another member. */
    void expired(FetchedRecord r, int attempt) {
        LOG.debug("The lease of {} in {} ran out; it goes back to the group as attempt {}", r, groupId, attempt);
        write(r, attempt, 0, r.inbound.firstFailure(), partitions.preferNotOwned());
    }

    /** Whether a retry partition another member owns exists now (choosing one counts a turn of the round robin). */
    boolean canMoveAway() {
        return partitions.notOwned() != null;
    }

    /** Records held aside for another member go to a retry partition it owns, same attempt: none was handed over. */
    void moveAway(List<FetchedRecord> records) {
        for (FetchedRecord r : records) {
            if (leases.startMoving(r)) {
                Integer partition = partitions.notOwned();
                if (partition != null) {
                    write(r, r.inbound.attempt(), 0, r.inbound.firstFailure(), partition);
                }
            }
        }
    }

    /**
     * Writes the record to the group's retry topic as attempt {@code attempt}, due at {@code dueMillis}, and
     * completes the original once the broker has the copy.
     */
    private void write(FetchedRecord r, int attempt, long dueMillis, Instant firstFailure, Integer partition) {
        InboundMessage in = r.inbound;
        byte[] value = in.isDecoded() ? WireFormat.encode(in.message()) : in.raw();
        byte[] key = in.isDecoded() ? KafkaRecords.key(in.message()) : null;
        broker.sendInternal(retryTopic, partition, key, value,
                KafkaRecords.retryHeaders(attempt, dueMillis, firstFailure, in.position())).whenComplete((md, e) -> {
                    if (e == null) {
                        leases.settled(r);
                    } else {
                        LOG.error("Writing a retry of {}/{} to {} failed; the message stays with this member and is "
                                + "tried again: {}", options.topic(), options.group(), retryTopic, e.toString());
                        leases.failedSettlement(r);
                    }
                });
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.kafka.FetchedRecord.State;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Leases of the records a member gave its runtime: expiry, attempts, late settlements, hung handlers. */
class LeasesTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final long LEASE_NANOS = LEASE.toNanos();

    private final AtomicInteger changes = new AtomicInteger();
    private final Leases leases = new Leases(changes::incrementAndGet);
    private final AssignedPartition part = new AssignedPartition(new TopicPartition("t", 0), false, 1, null);
    private final Map<FetchedRecord, Integer> expired = new HashMap<>();

    @Test
    void anAckCompletesTheRecordForTheCommittedPrefix() {
        FetchedRecord r = leased(0);
        leases.ack(r);

        assertThat(r.state()).isEqualTo(State.DONE);
        assertThat(leases.count()).isZero();
        assertThat(part.tracker.commitPoint().offset()).isEqualTo(1);
    }

    @Test
    void aLeaseRunsOutAtItsDeadlineAndKeepsTheAttemptOfARecordNeverHandedOver() {
        FetchedRecord r = leased(0);
        long start = r.deadlineNanos - LEASE_NANOS;

        leases.expire(start + LEASE_NANOS - 1, this::expired);
        assertThat(expired).isEmpty();
        leases.expire(start + LEASE_NANOS, this::expired);
        assertThat(expired).containsExactly(Map.entry(r, 1));
        assertThat(r.state()).isEqualTo(State.SETTLING);
        assertThat(leases.isHungHere(r.inbound.position().value())).as("no handler had it").isFalse();
    }

    @Test
    void aRecordWhoseHandlerHangsComesBackWithTheAttemptRaisedAndCountsAsHungUntilTheHandlerReturns() {
        FetchedRecord r = leased(0);
        leases.handedOver(r, LEASE);
        leases.expire(r.deadlineNanos, this::expired);
        String position = r.inbound.position().value();

        assertThat(expired).containsExactly(Map.entry(r, 2));
        assertThat(leases.isHungHere(position)).isTrue();
        assertThat(leases.extend(r, LEASE)).as("the lease is lost").isFalse();

        leases.ack(r); // the late handler returns: its settlement is ignored
        assertThat(r.state()).isEqualTo(State.SETTLING);
        assertThat(leases.isHungHere(position)).isFalse();
        assertThat(changes).hasValue(1);
    }

    @Test
    void anExtensionMovesTheDeadline() {
        FetchedRecord r = leased(0);
        long before = System.nanoTime();
        assertThat(leases.extend(r, Duration.ofHours(1))).isTrue();
        leases.expire(before + LEASE_NANOS, this::expired);
        assertThat(expired).isEmpty();
    }

    @Test
    void aSettlementWritingACopyCompletesTheOriginalOnceStoredAndIsLeasedBrieflyWhenItFailed() {
        FetchedRecord stored = leased(0);
        FetchedRecord failed = leased(1);
        assertThat(leases.startSettling(stored)).isTrue();
        assertThat(leases.startSettling(failed)).isTrue();
        assertThat(leases.hasSettling(List.of(part))).isTrue();

        leases.settled(stored);
        assertThat(stored.state()).isEqualTo(State.DONE);
        leases.failedSettlement(failed);
        assertThat(failed.state()).isEqualTo(State.LEASED);
        assertThat(failed.deadlineNanos - System.nanoTime()).isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(leases.hasSettling(List.of(part))).isFalse();
        assertThat(leases.hasOutstanding(List.of(part))).isTrue();
    }

    @Test
    void aReleasedRecordIsNoLongerLeasedOrListedAsHandedOut() {
        FetchedRecord r = leased(0);
        leases.handedOver(r, LEASE);
        assertThat(part.tracker.commitPoint().metadata()).endsWith(";h:0");

        assertThat(leases.release(r)).isTrue();
        assertThat(r.state()).isEqualTo(State.BUFFERED);
        assertThat(r.handedOver).isFalse();
        assertThat(leases.count()).isZero();
        assertThat(part.tracker.commitPoint().metadata()).doesNotContain(";h:");
        assertThat(leases.release(r)).as("only once").isFalse();
    }

    @Test
    void aRecordHeldAsideIsTakenToMoveOnlyOnce() {
        FetchedRecord r = record(0);
        assertThat(leases.startMoving(r)).isTrue();
        assertThat(leases.startMoving(r)).isFalse();
        assertThat(r.state()).isEqualTo(State.SETTLING);
        assertThat(leases.count()).isEqualTo(1);
    }

    @Test
    void recordsStillLeasedAreLostWithTheirPartition() {
        FetchedRecord lost = leased(0);
        FetchedRecord settling = leased(1);
        leases.startSettling(settling);
        AssignedPartition other = new AssignedPartition(new TopicPartition("t", 1), false, 1, null);

        leases.lose(List.of(other));
        assertThat(leases.count()).isEqualTo(2);
        leases.lose(List.of(part));
        assertThat(lost.state()).isEqualTo(State.LOST);
        assertThat(settling.state()).as("its write completes it").isEqualTo(State.SETTLING);
        assertThat(leases.count()).isEqualTo(1);
        assertThat(leases.hasOutstanding(List.of(part))).isTrue();
        assertThat(leases.hasOutstanding(List.of(other))).isFalse();
    }

    private void expired(FetchedRecord r, int attempt) {
        expired.put(r, attempt);
    }

    private FetchedRecord leased(long offset) {
        FetchedRecord r = record(offset);
        leases.lease(List.of(r.inbound), LEASE);
        return r;
    }

    private FetchedRecord record(long offset) {
        assertThat(part.tracker.fetched(offset)).isTrue();
        Message m = Message.builder("t").text("m" + offset).build();
        FetchedRecord r = new FetchedRecord(part, offset, 1, offset, m.id(), 0);
        r.inbound = InboundMessage.of(m, KafkaRecords.position(1, 0, offset), 1, null, r);
        return r;
    }
}

package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The order a member hands out what it fetched: bands, oldest first, retries, the hold after an assignment. */
class HandOutQueueTest {
    private static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(HandOutQueue.BAND_HOLD_MILLIS);

    private final HandOutQueue queue = new HandOutQueue();
    private final AssignedPartition low = band(PriorityBands.LOW, 0);
    private final AssignedPartition normal = band(PriorityBands.DEFAULT, 0);
    private final AssignedPartition high0 = band(PriorityBands.HIGH, 0);
    private final AssignedPartition high1 = band(PriorityBands.HIGH, 1);
    private final AssignedPartition retries = new AssignedPartition(new TopicPartition("retry", 0), true,
            PriorityBands.DEFAULT, null);

    @Test
    void servesTheHighestBandFirstAndEachBandOldestFirstAcrossPartitions() {
        queue.partitionsChanged(List.of(low, high0, high1, retries), false);
        FetchedRecord lowFirst = fetched(low, 0, 1);
        FetchedRecord high0First = fetched(high0, 0, 30);
        FetchedRecord high0Second = fetched(high0, 1, 20);
        FetchedRecord high1First = fetched(high1, 0, 10);
        for (FetchedRecord r : List.of(lowFirst, high0First, high1First, high0Second)) {
            queue.add(r, 0, position -> false);
        }

        // a partition in offset order; of the partitions' heads, the oldest first
        assertThat(queue.take(10, System.nanoTime())).containsExactly(high1First.inbound, high0First.inbound,
                high0Second.inbound, lowFirst.inbound);
        assertThat(queue.take(10, System.nanoTime())).isEmpty();
    }

    @Test
    void aLowerBandWaitingGetsOneHandOutInEveryFairnessInterval() {
        queue.partitionsChanged(List.of(low, high0), false);
        for (int i = 0; i < 2 * BandScheduler.FAIRNESS_INTERVAL; i++) {
            queue.add(fetched(high0, i, 100 + i), 0, position -> false);
        }
        FetchedRecord lowOne = fetched(low, 0, 1);
        queue.add(lowOne, 0, position -> false);

        List<InboundMessage> out = queue.take(2 * BandScheduler.FAIRNESS_INTERVAL, System.nanoTime());
        assertThat(out.indexOf(lowOne.inbound)).isEqualTo(BandScheduler.FAIRNESS_INTERVAL - 1);
    }

    @Test
    void aDueRetryGoesAheadOfItsBandsPartitions() {
        queue.partitionsChanged(List.of(normal, retries), false);
        FetchedRecord older = fetched(normal, 0, 1);
        FetchedRecord retry = retry(0, 50, 0);
        queue.add(older, 0, position -> false);
        queue.add(retry, 0, position -> false);

        assertThat(queue.take(1, System.nanoTime())).containsExactly(retry.inbound);
        assertThat(queue.take(1, System.nanoTime())).containsExactly(older.inbound);
    }

    @Test
    void aDelayedRetryWaitsUntilDue() {
        queue.partitionsChanged(List.of(retries), false);
        FetchedRecord later = retry(0, 1, 5_000);
        FetchedRecord sooner = retry(1, 2, 2_000);
        queue.add(later, 1_000, position -> false);
        queue.add(sooner, 1_000, position -> false);
        assertThat(queue.delayedCount()).isEqualTo(2);
        assertThat(queue.nextDueMillis()).hasValue(2_000);

        queue.promoteDue(1_999);
        assertThat(queue.take(10, System.nanoTime())).isEmpty();
        queue.promoteDue(2_000);
        assertThat(queue.take(10, System.nanoTime())).containsExactly(sooner.inbound);
        assertThat(queue.nextDueMillis()).hasValue(5_000);
        queue.promoteDue(6_000);
        assertThat(queue.take(10, System.nanoTime())).containsExactly(later.inbound);
        assertThat(queue.nextDueMillis()).isEmpty();
    }

    @Test
    void aRetryWhoseHandlerHereHangsIsHeldAsideUntilItMovesOrItsHandlerReturns() {
        queue.partitionsChanged(List.of(retries), false);
        FetchedRecord moved = retry(0, 1, 0);
        FetchedRecord returned = retry(1, 2, 0);
        String movedAt = moved.inbound.position().value();
        queue.add(moved, 0, position -> true);
        queue.add(returned, 0, position -> true);
        assertThat(queue.take(10, System.nanoTime())).isEmpty();

        assertThat(queue.returnHeldAside(position -> true)).as("both handlers still hang").isFalse();
        assertThat(queue.returnHeldAside(movedAt::equals)).as("the other handler returned").isTrue();
        assertThat(queue.take(10, System.nanoTime())).containsExactly(returned.inbound);

        assertThat(queue.takeHeldAside(() -> false)).as("no other member owns a retry partition").isEmpty();
        assertThat(queue.takeHeldAside(() -> true)).containsExactly(moved);
        assertThat(queue.takeHeldAside(() -> true)).isEmpty();
    }

    @Test
    void rightAfterAnAssignmentALowerBandWaitsForAHigherOneNotFetchedYet() {
        queue.partitionsChanged(List.of(low, high0), true);
        FetchedRecord lowOne = fetched(low, 0, 1);
        queue.add(lowOne, 0, position -> false);
        long now = System.nanoTime();

        assertThat(queue.take(10, now)).as("the high band may have a backlog").isEmpty();
        high0.lag = OptionalLong.of(0);
        assertThat(queue.take(10, now)).as("the high band is known empty").containsExactly(lowOne.inbound);
    }

    @Test
    void theHoldEndsAfterItsTime() {
        queue.partitionsChanged(List.of(low, high0), true);
        FetchedRecord lowOne = fetched(low, 0, 1);
        queue.add(lowOne, 0, position -> false);

        assertThat(queue.take(10, high0.assignedNanos + HOLD_NANOS)).containsExactly(lowOne.inbound);
    }

    @Test
    void rightAfterAnAssignmentNoBandIsServedWhileAnyMayHaveABacklogNotFetchedYet() {
        queue.partitionsChanged(List.of(low, normal, high0), true);
        List<InboundMessage> high = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FetchedRecord h = fetched(high0, i, 10 + i);
            high.add(h.inbound);
            queue.add(h, 0, position -> false);
            queue.add(fetched(low, i, i), 0, position -> false);
        }

        assertThat(queue.take(10, System.nanoTime())).as("the normal band's lag is not known").isEmpty();
        normal.lag = OptionalLong.of(5);
        assertThat(queue.take(10, System.nanoTime())).as("the normal band has a backlog").isEmpty();
        normal.lag = OptionalLong.of(0);
        List<InboundMessage> out = queue.take(10, System.nanoTime());
        assertThat(out).hasSize(6);
        assertThat(out.subList(0, 3)).containsExactlyElementsOf(high);
    }

    @Test
    void aReleasedRecordComesBackFirst() {
        queue.partitionsChanged(List.of(normal, retries), false);
        FetchedRecord first = fetched(normal, 0, 1);
        FetchedRecord second = fetched(normal, 1, 2);
        FetchedRecord retry = retry(0, 3, 0);
        queue.add(first, 0, position -> false);
        queue.add(second, 0, position -> false);
        assertThat(queue.take(1, System.nanoTime())).containsExactly(first.inbound);

        queue.putBack(first);
        queue.add(retry, 0, position -> false);
        queue.take(1, System.nanoTime());
        queue.putBack(retry);
        assertThat(queue.take(3, System.nanoTime())).containsExactly(retry.inbound, first.inbound, second.inbound);
    }

    @Test
    void dropsWhatWasFetchedFromPartitionsGone() {
        queue.partitionsChanged(List.of(normal, high0, retries), false);
        queue.add(fetched(normal, 0, 1), 0, position -> false);
        FetchedRecord kept = fetched(high0, 0, 2);
        queue.add(kept, 0, position -> false);
        queue.add(retry(0, 3, 0), 0, position -> false);
        queue.add(retry(1, 4, 10_000), 0, position -> false);
        queue.add(retry(2, 5, 0), 0, position -> true);

        queue.drop(List.of(normal, retries));
        assertThat(normal.buffered.isEmpty()).isTrue();
        assertThat(queue.dueRetryCount()).isZero();
        assertThat(queue.delayedCount()).isZero();
        assertThat(queue.takeHeldAside(() -> true)).isEmpty();
        assertThat(queue.take(10, System.nanoTime())).containsExactly(kept.inbound);
    }

    private static AssignedPartition band(int band, int partition) {
        return new AssignedPartition(new TopicPartition("band-" + band, partition), false, band, null);
    }

    private static FetchedRecord fetched(AssignedPartition p, long offset, long timestamp) {
        return record(p, offset, p.band, timestamp, 0);
    }

    private FetchedRecord retry(long offset, long timestamp, long dueMillis) {
        return record(retries, offset, PriorityBands.DEFAULT, timestamp, dueMillis);
    }

    private static FetchedRecord record(AssignedPartition p, long offset, int band, long timestamp, long dueMillis) {
        Message m = Message.builder("t").text(p.tp + "@" + offset).build();
        FetchedRecord r = new FetchedRecord(p, offset, band, timestamp, m.id(), dueMillis);
        r.inbound = InboundMessage.of(m, KafkaRecords.position(band, p.tp.partition(), offset), 1, null, r);
        return r;
    }
}

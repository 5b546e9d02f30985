package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What a member owns and fetched, shared between its fetcher thread and its runtime's poller. */
class OwnedPartitionsTest {
    private static final long FAR = TimeUnit.SECONDS.toNanos(10);

    private final OwnedPartitions owned = new OwnedPartitions();
    private final AssignedPartition band = new AssignedPartition(new TopicPartition("b1", 0), false,
            PriorityBands.DEFAULT, null);
    private final AssignedPartition retry = new AssignedPartition(new TopicPartition("retry", 0), true,
            PriorityBands.DEFAULT, null);
    private final List<InboundMessage> leased = new ArrayList<>();

    @Test
    void thePollerTakesWhatTheFetcherOffersAndLeasesItUnderTheLock() throws Exception {
        owned.add(List.of(band));
        band.lag = OptionalLong.of(0);
        CompletableFuture<List<InboundMessage>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return owned.take(10, System.nanoTime() + FAR, () -> false, leased::addAll);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        FetchedRecord r = record(band, 0, 0);
        owned.offer(List.of(r), position -> false);

        assertThat(taken.get(5, TimeUnit.SECONDS)).containsExactly(r.inbound);
        assertThat(leased).containsExactly(r.inbound);
    }

    @Test
    void aPollReturnsEmptyAtItsDeadlineOrOnceTheMemberStops() throws Exception {
        owned.add(List.of(band));
        assertThat(owned.take(10, System.nanoTime(), () -> false, leased::addAll)).isEmpty();
        assertThat(owned.take(10, System.nanoTime() + FAR, () -> true, leased::addAll)).isEmpty();
        assertThat(leased).isEmpty();
    }

    @Test
    void releasedRecordsGoBackUnlessTheirLeaseWasLostOrTheirPartitionIsGone() throws Exception {
        AssignedPartition other = new AssignedPartition(new TopicPartition("b1", 1), false, PriorityBands.DEFAULT,
                null);
        owned.add(List.of(band, other));
        FetchedRecord kept = record(band, 0, 0);
        FetchedRecord notLeased = record(band, 1, 1);
        FetchedRecord ofGone = record(other, 0, 2);
        owned.offer(List.of(kept, notLeased, ofGone), position -> false);
        List<InboundMessage> all = owned.take(10, System.nanoTime() + FAR, () -> false, leased::addAll);
        assertThat(all).hasSize(3);
        owned.remove(List.of(other));

        owned.putBack(all, r -> r != notLeased);
        assertThat(owned.take(10, System.nanoTime(), () -> false, leased::addAll)).containsExactly(kept.inbound);
    }

    @Test
    void removingPartitionsMarksThemGoneDropsTheirRecordsAndChangesTheAssignment() {
        owned.add(List.of(band, retry));
        assertThat(owned.assigned()).containsExactlyInAnyOrder(band.tp, retry.tp);
        owned.offer(List.of(record(band, 0, 0)), position -> false);

        owned.remove(List.of(band));
        assertThat(band.gone).isTrue();
        assertThat(band.buffered.isEmpty()).isTrue();
        assertThat(owned.assigned()).containsExactly(retry.tp);
        assertThat(owned.find(List.of(band.tp, retry.tp))).containsExactly(retry);

        owned.offer(List.of(record(band, 1, 1)), position -> false);
        assertThat(band.buffered.isEmpty()).as("fetched after it was gone").isTrue();
    }

    @Test
    void anAssignmentChangeWakesWhoeverWaitsForOne() {
        assertThat(owned.awaitAssignmentChange(Duration.ofMillis(1), () -> false)).as("timed out").isFalse();
        assertThat(owned.awaitAssignmentChange(Duration.ofSeconds(10), () -> true)).as("stopped").isTrue();

        CompletableFuture<Boolean> changed = CompletableFuture.supplyAsync(
                () -> owned.awaitAssignmentChange(Duration.ofSeconds(30), () -> false));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            owned.add(List.of(band)); // until the waiter has read the version before this change
            return changed.isDone();
        });
        assertThat(changed.join()).isFalse();
    }

    @Test
    void revokedPartitionsStayOwnedWithoutTheirRecords() {
        owned.add(List.of(band));
        owned.offer(List.of(record(band, 0, 0)), position -> false);

        assertThat(owned.dropRecordsOf(List.of(band.tp, new TopicPartition("x", 0)))).containsExactly(band);
        assertThat(band.buffered.isEmpty()).isTrue();
        assertThat(band.gone).isFalse();
        assertThat(owned.get(band.tp)).isSameAs(band);
    }

    @Test
    void aRetryPartitionsLevelIsTheDelayedRetries() {
        owned.add(List.of(band, retry));
        owned.offer(List.of(record(band, 0, 0), record(retry, 0, System.currentTimeMillis() + 60_000)),
                position -> false);

        assertThat(owned.levels()).containsExactlyInAnyOrder(new OwnedPartitions.Level(band, 1, 0),
                new OwnedPartitions.Level(retry, 1, 0));
        assertThat(owned.describe(3)).startsWith("buffered=1, dueRetries=0, delayed=1, leased=3, partitions=[")
                .contains(band.tp.toString(), retry.tp.toString());
    }

    private static FetchedRecord record(AssignedPartition p, long offset, long dueMillis) {
        Message m = Message.builder("t").text(p.tp + "@" + offset).build();
        FetchedRecord r = new FetchedRecord(p, offset, p.band, offset, m.id(), dueMillis);
        r.inbound = InboundMessage.of(m, KafkaRecords.position(p.band, p.tp.partition(), offset), 1, null, r);
        return r;
    }
}

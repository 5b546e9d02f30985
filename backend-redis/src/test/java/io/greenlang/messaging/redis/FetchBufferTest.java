package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.priority.PriorityBands;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The read plan and hand-out order of a member's buffer, against streams simulated in memory. */
class FetchBufferTest {
    private static final int RETRY = GroupMembership.RETRY;
    private long clock = 1_700_000_000_000L;
    private long sequence;

    private Handle entry(int stream, int priority) {
        String id = (clock++) + "-0";
        Message m = Message.builder("t").text("x").priority(priority).build();
        return new Handle(stream, id, new byte[0], m, new byte[0], null, 1, Positions.of(stream, id), null, 1);
    }

    @Test
    void atFirstEveryStreamIsReadAndLowerBandsOnlyForTheirFairnessTurns() {
        FetchBuffer buffer = new FetchBuffer();

        int[] counts = buffer.readCounts(256);

        assertThat(counts[PriorityBands.HIGH]).isEqualTo(256);
        assertThat(counts[PriorityBands.DEFAULT]).as("below a band that may hold more: its turns").isEqualTo(25);
        assertThat(counts[PriorityBands.LOW]).isEqualTo(25);
        assertThat(counts[RETRY]).isEqualTo(256);
        assertThat(buffer.mayHoldMore()).isTrue();
    }

    @Test
    void aBandOfWhichEnoughIsHeldIsNotRead() {
        FetchBuffer buffer = new FetchBuffer();
        for (int i = 0; i < 20; i++) {
            buffer.addLast(entry(PriorityBands.HIGH, 9));
        }
        buffer.read(PriorityBands.HIGH, 20, 20);

        int[] counts = buffer.readCounts(16);

        assertThat(counts[PriorityBands.HIGH]).isZero();
        assertThat(counts[PriorityBands.LOW]).isEqualTo(1);
        assertThat(counts[RETRY]).isZero();
    }

    @Test
    void whenTheStreamsAboveAreExhaustedALowerBandIsReadForEverything() {
        FetchBuffer buffer = new FetchBuffer();
        buffer.addLast(entry(PriorityBands.HIGH, 9));
        buffer.read(PriorityBands.HIGH, 10, 1);
        buffer.read(PriorityBands.DEFAULT, 10, 0);

        int[] counts = buffer.readCounts(100);

        assertThat(counts[PriorityBands.HIGH]).as("new ones may have come").isEqualTo(99);
        assertThat(counts[PriorityBands.DEFAULT]).as("all but the one held above").isEqualTo(99);
        assertThat(counts[PriorityBands.LOW]).isEqualTo(99);
    }

    @Test
    void handingOutStopsAtABandThatMustBeReadFirst() {
        FetchBuffer buffer = new FetchBuffer();
        for (int i = 0; i < 5; i++) {
            buffer.addLast(entry(PriorityBands.LOW, 1));
        }
        buffer.read(PriorityBands.LOW, 5, 5);

        assertThat(buffer.take(10)).as("the high band may still hold entries in Redis").isEmpty();

        buffer.read(PriorityBands.HIGH, 10, 0);
        buffer.read(PriorityBands.DEFAULT, 10, 0);
        assertThat(buffer.take(10)).hasSize(5);
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void retriesGoToTheFrontOfTheirBand() {
        FetchBuffer buffer = new FetchBuffer();
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            buffer.read(b, 1, 0);
        }
        Handle fresh = entry(PriorityBands.HIGH, 9);
        Handle retried = entry(RETRY, 8);
        buffer.addLast(fresh);
        buffer.addFirst(List.of(retried));

        assertThat(buffer.take(2)).containsExactly(retried, fresh);
    }

    @Test
    void withinOneMillisecondTheFairnessTurnGoesToTheOlderMessageId() {
        FetchBuffer buffer = new FetchBuffer();
        for (int s = 0; s < FetchBuffer.STREAMS; s++) {
            buffer.read(s, 100, 0);
        }
        List<Handle> low = new ArrayList<>();
        List<Handle> middle = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            low.add(sameMillisecond(PriorityBands.LOW, 2));
            middle.add(sameMillisecond(PriorityBands.DEFAULT, 5));
        }
        for (int i = 0; i < 30; i++) {
            buffer.addLast(sameMillisecond(PriorityBands.HIGH, 8));
        }
        low.forEach(buffer::addLast);
        middle.forEach(buffer::addLast);

        List<Handle> out = buffer.take(40);

        assertThat(List.of(out.get(9), out.get(19), out.get(29))).as("the fairness turns")
                .containsExactly(low.get(0), middle.get(0), low.get(1));
    }

    private Handle sameMillisecond(int stream, int priority) {
        String id = clock + "-" + (sequence++);
        Message m = Message.builder("t").text("x").priority(priority).build();
        return new Handle(stream, id, new byte[0], m, new byte[0], null, 1, Positions.of(stream, id), null, 1);
    }

    /**
     * Issue 14, defect 1, without a server: 10,000 entries, 20% priority 9 and 80% priority 1, read as the buffer
     * plans, handed out in polls of varying size. The first 500 hand-outs are 90% high, as the rule allows, and the
     * buffer never holds more low entries than one poll's fairness turns.
     */
    @Test
    void aBacklogFarLargerThanOneReadIsHandedOutInTheSchedulersOrder() {
        List<ArrayDeque<Handle>> redis = new ArrayList<>();
        for (int s = 0; s < FetchBuffer.STREAMS; s++) {
            redis.add(new ArrayDeque<>());
        }
        for (int i = 0; i < 10_000; i++) {
            int priority = i % 5 == 0 ? 9 : 1;
            int band = PriorityBands.of(priority);
            redis.get(band).addLast(entry(band, priority));
        }
        FetchBuffer buffer = new FetchBuffer();
        List<Integer> handedOut = new ArrayList<>();
        int maxLowHeld = 0;
        for (int poll = 0; handedOut.size() < 10_000; poll++) {
            int max = 1 + poll % 16; // as handlers free capacity
            int[] counts = buffer.readCounts(max);
            for (int s = 0; s < FetchBuffer.STREAMS; s++) {
                if (counts[s] > 0) {
                    int got = 0;
                    while (got < counts[s] && !redis.get(s).isEmpty()) {
                        buffer.addLast(redis.get(s).pollFirst());
                        got++;
                    }
                    buffer.read(s, counts[s], got);
                }
            }
            int[] lowHeld = {0};
            buffer.forEach(h -> lowHeld[0] += h.band() == PriorityBands.LOW ? 1 : 0);
            maxLowHeld = Math.max(maxLowHeld, lowHeld[0]);
            buffer.take(max).forEach(h -> handedOut.add(h.message.priority()));
            assertThat(poll).as("polls for 10,000 entries").isLessThan(20_000);
        }

        assertThat(handedOut.subList(0, 500).stream().filter(p -> p == 9).count()).isBetween(445L, 455L);
        assertThat(maxLowHeld).as("low entries held at once, while high ones wait in Redis").isLessThanOrEqualTo(16);
    }
}

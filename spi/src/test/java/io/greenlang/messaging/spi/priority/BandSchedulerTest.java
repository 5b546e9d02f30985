package io.greenlang.messaging.spi.priority;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BandSchedulerTest {
    /** Bands of queued messages, each message its publish sequence number. */
    private static final class Queues implements BandScheduler.Bands {
        final List<ArrayDeque<Long>> bands = new ArrayList<>();

        Queues(int count) {
            for (int i = 0; i < count; i++) {
                bands.add(new ArrayDeque<>());
            }
        }

        Queues add(int band, long sequence) {
            bands.get(band).addLast(sequence);
            return this;
        }

        Queues fill(int band, int count, long firstSequence) {
            for (int i = 0; i < count; i++) {
                add(band, firstSequence + i);
            }
            return this;
        }

        @Override
        public boolean isWaiting(int band) {
            return !bands.get(band).isEmpty();
        }

        @Override
        public int compareOldest(int a, int b) {
            return Long.compare(bands.get(a).peekFirst(), bands.get(b).peekFirst());
        }

        /** Serves {@code n} messages; returns the bands served, in order. */
        List<Integer> serve(BandScheduler scheduler, int n) {
            List<Integer> served = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int band = scheduler.next(this);
                if (band < 0) {
                    break;
                }
                bands.get(band).pollFirst();
                served.add(band);
            }
            return served;
        }
    }

    @Test
    void servedAfterPeekCountsAsNextWould() {
        Queues byNext = new Queues(3).fill(2, 300, 1000).fill(1, 50, 500).fill(0, 50, 0);
        Queues byPeek = new Queues(3).fill(2, 300, 1000).fill(1, 50, 500).fill(0, 50, 0);
        BandScheduler next = new BandScheduler();
        BandScheduler peek = new BandScheduler();
        List<Integer> peeked = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int band = peek.peek(byPeek);
            assertThat(peek.peek(byPeek)).as("a second peek chooses the same").isEqualTo(band);
            peek.served();
            byPeek.bands.get(band).pollFirst();
            peeked.add(band);
        }

        assertThat(peeked).isEqualTo(byNext.serve(next, 400));
        assertThat(peek.peek(byPeek)).isEqualTo(-1);
        assertThatThrownBy(peek::served).isInstanceOf(IllegalStateException.class).hasMessageContaining("peek()");
    }

    @Test
    void servedWithoutAPendingPeekIsAnError() {
        BandScheduler s = new BandScheduler();
        Queues q = new Queues(3).fill(1, 2, 0);

        assertThatThrownBy(s::served).isInstanceOf(IllegalStateException.class);
        s.peek(q);
        s.served();
        assertThatThrownBy(s::served).as("counted already").isInstanceOf(IllegalStateException.class);
        s.peek(q);
        s.next(q);
        assertThatThrownBy(s::served).as("next counted it").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHighestWaitingBandGoesFirst() {
        Queues q = new Queues(3).fill(2, 5, 100).fill(1, 5, 0);
        BandScheduler s = new BandScheduler();

        assertThat(q.serve(s, 20)).containsExactly(2, 2, 2, 2, 2, 1, 1, 1, 1, 1);
        assertThat(s.next(q)).isEqualTo(-1);
    }

    @Test
    void whileALowerBandWaitsEveryTenthHandOutServesIt() {
        Queues q = new Queues(3).fill(2, 1000, 10_000).fill(0, 1000, 0);
        BandScheduler s = new BandScheduler();

        List<Integer> served = q.serve(s, 100);

        for (int i = 0; i < served.size(); i++) {
            assertThat(served.get(i)).as("hand-out %d", i + 1).isEqualTo((i + 1) % 10 == 0 ? 0 : 2);
        }
    }

    @Test
    void theFairnessTurnGoesToTheLowerBandWhoseNextMessageIsOldest() {
        Queues q = new Queues(3).fill(2, 100, 1000).add(1, 20).add(1, 21).add(0, 10).add(0, 30);
        BandScheduler s = new BandScheduler();

        List<Integer> served = q.serve(s, 40);

        assertThat(served.get(9)).as("first turn: band 0's message 10 is older than band 1's 20").isZero();
        assertThat(served.get(19)).as("second turn: band 1's 20 is older than band 0's 30").isEqualTo(1);
        assertThat(served.get(29)).as("third turn: band 1's 21").isEqualTo(1);
        assertThat(served.get(39)).as("fourth turn: band 0's 30").isZero();
    }

    @Test
    void theCountStartsAgainWhenNoLowerBandWaits() {
        BandScheduler s = new BandScheduler();
        Queues q = new Queues(3).fill(2, 5, 100);
        q.serve(s, 5); // five in a row from band 2, with nothing lower waiting

        q.fill(2, 20, 200).fill(0, 5, 0);
        List<Integer> served = q.serve(s, 10);

        assertThat(served).as("nine from band 2 before the first turn, not four").containsExactly(2, 2, 2, 2, 2, 2, 2,
                2, 2, 0);
    }

    @Test
    void theCountCarriesOverWhileALowerBandKeepsWaiting() {
        BandScheduler s = new BandScheduler();
        Queues q = new Queues(3).fill(2, 4, 100).fill(1, 100, 0);
        q.serve(s, 4); // band 2 runs out after four in a row over a waiting band 1

        q.fill(2, 20, 200);
        List<Integer> served = q.serve(s, 6);

        assertThat(served).as("five more, then the turn of band 1").containsExactly(2, 2, 2, 2, 2, 1);
    }

    @Test
    void peekTellsTheNextChoiceWithoutCountingIt() {
        BandScheduler s = new BandScheduler();
        Queues q = new Queues(3).fill(2, 100, 1000).fill(0, 100, 0);
        q.serve(s, 9);

        assertThat(s.peek(q)).isZero();
        assertThat(s.peek(q)).isZero();
        assertThat(s.next(q)).isZero();
        assertThat(s.peek(q)).isEqualTo(2);
    }

    @Test
    void noWaitingBandGivesMinusOneAndCountsNothing() {
        BandScheduler s = new BandScheduler();
        Queues q = new Queues(3).fill(2, 100, 1000).fill(0, 100, 0);
        q.serve(s, 5);
        Queues empty = new Queues(3);

        assertThat(s.next(empty)).isEqualTo(-1);
        assertThat(s.peek(empty)).isEqualTo(-1);
        assertThat(q.serve(s, 5)).containsExactly(2, 2, 2, 2, 0);
    }

    @Test
    void aTwentyEightyBacklogIsServedNinetyPercentHighUntilTheHighBandRunsOut() {
        Queues q = new Queues(3);
        long sequence = 0;
        for (int i = 0; i < 10_000; i++) {
            q.add(i % 5 == 0 ? 2 : 0, sequence++); // 20% priority 9, 80% priority 1, interleaved
        }
        BandScheduler s = new BandScheduler();

        List<Integer> served = q.serve(s, 10_000);

        assertThat(served.subList(0, 500).stream().filter(b -> b == 2).count()).isEqualTo(450);
        assertThat(served.subList(0, 500).stream().filter(b -> b == 0).count()).isEqualTo(50);
        int lastHigh = served.lastIndexOf(2);
        assertThat(lastHigh).as("the 2,000 high ones go out within the first 2,223").isLessThan(2223);
        assertThat(served).hasSize(10_000);
    }

    @Test
    void fairnessTurnsCountTheTurnsOfTheNextHandOuts() {
        BandScheduler s = new BandScheduler();
        assertThat(s.fairnessTurns(0)).isZero();
        assertThat(s.fairnessTurns(9)).isZero();
        assertThat(s.fairnessTurns(10)).isEqualTo(1);
        assertThat(s.fairnessTurns(19)).isEqualTo(1);
        assertThat(s.fairnessTurns(20)).isEqualTo(2);
        assertThat(s.fairnessTurns(256)).isEqualTo(25);

        new Queues(3).fill(2, 100, 1000).fill(0, 100, 0).serve(s, 9);
        assertThat(s.fairnessTurns(1)).as("the next one is a turn").isEqualTo(1);
        assertThat(s.fairnessTurns(11)).isEqualTo(2);
    }

    @Test
    void mostServedIsEverythingForTheTopBandAndTheTurnsBelowAnEndlessBand() {
        BandScheduler s = new BandScheduler();
        assertThat(s.mostServed(256, 0)).isEqualTo(256);
        assertThat(s.mostServed(256, Long.MAX_VALUE)).isEqualTo(25);
        assertThat(s.mostServed(256, 100)).as("after the 100 above run out, everything").isEqualTo(156);
        assertThat(s.mostServed(256, 240)).as("the turns, while the bands above last").isEqualTo(25);
        assertThat(s.mostServed(5, Long.MAX_VALUE)).isZero();
        assertThat(s.mostServed(0, 0)).isZero();
    }

    /** Random backlogs, ages and states: no band is ever served more than {@link BandScheduler#mostServed} allows. */
    @Test
    void mostServedBoundsWhatTheSchedulerReallyServes() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            BandScheduler s = new BandScheduler();
            Queues q = new Queues(3);
            long sequence = 0;
            int backlog = random.nextInt(400);
            for (int i = 0; i < backlog; i++) {
                q.add(random.nextInt(3), sequence++);
            }
            q.serve(s, random.nextInt(30)); // some state to start from
            int n = random.nextInt(300);
            int[] bound = new int[3];
            long above = 0;
            for (int b = 2; b >= 0; b--) {
                bound[b] = s.mostServed(n, above);
                above += q.bands.get(b).size();
            }
            int[] served = new int[3];
            for (int band : q.serve(s, n)) {
                served[band]++;
            }
            for (int b = 0; b < 3; b++) {
                assertThat(served[b]).as("round %d, band %d of %d hand-outs", round, b, n).isLessThanOrEqualTo(bound[b]);
            }
        }
    }

    @Test
    void argumentsAreChecked() {
        BandScheduler s = new BandScheduler();
        assertThatThrownBy(() -> new BandScheduler(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bandCount");
        assertThatThrownBy(() -> s.mostServed(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handOuts");
        assertThatThrownBy(() -> s.mostServed(1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("waitingAbove");
        assertThat(new BandScheduler(1).next(new Queues(1).add(0, 1))).isZero();
    }
}

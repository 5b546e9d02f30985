package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.SubscriptionOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lane choice and the queued records, without starting the workers. */
class WorkerLanesTest {
    private static WorkerLanes lanes(int concurrency, boolean ordered) {
        SubscriptionOptions options = SubscriptionOptions.builder("t", "g").concurrency(concurrency).ordered(ordered)
                .build();
        return new WorkerLanes(options, "t/g/c", null, new StopSignal()); // no worker runs, so no runner is needed
    }

    private static InboundMessage record(int offset, String key) {
        Message.Builder message = Message.builder("t").text("m" + offset);
        if (key != null) {
            message.key(key);
        }
        return InboundMessage.of(message.build(), new Position(Integer.toString(offset)), 1, null, null);
    }

    @Test
    void concurrencyOneHasNoWorkers() {
        assertThat(lanes(1, false).hasWorkers()).isFalse();
        assertThat(lanes(1, true).hasWorkers()).isFalse();
        assertThat(lanes(2, false).hasWorkers()).isTrue();
    }

    @Test
    void orderedRecordsOfOneKeyShareALane() {
        WorkerLanes lanes = lanes(4, true);
        int lane = lanes.laneFor(record(1, "customer-7"));
        for (int i = 2; i <= 20; i++) {
            assertThat(lanes.laneFor(record(i, "customer-7"))).isEqualTo(lane);
        }
    }

    @Test
    void unkeyedAndUnorderedRecordsTakeTurns() {
        WorkerLanes ordered = lanes(3, true);
        assertThat(List.of(ordered.laneFor(record(1, null)), ordered.laneFor(record(2, null)),
                ordered.laneFor(record(3, null)), ordered.laneFor(record(4, null)))).containsExactly(0, 1, 2, 0);
        WorkerLanes unordered = lanes(3, false);
        assertThat(List.of(unordered.laneFor(record(1, "k")), unordered.laneFor(record(2, "k")),
                unordered.laneFor(record(3, "k")))).containsExactly(0, 1, 2);
    }

    @Test
    void queuedRecordsAreTakenOnceEvenFromTheSharedQueue() {
        for (boolean ordered : new boolean[] {false, true}) {
            WorkerLanes lanes = lanes(3, ordered);
            for (int i = 1; i <= 5; i++) {
                lanes.dispatch(record(i, "k" + i));
            }
            List<InboundMessage> taken = new ArrayList<>();
            lanes.takeQueued(taken);
            assertThat(taken).extracting(r -> r.position().value())
                    .containsExactlyInAnyOrder("1", "2", "3", "4", "5");
            taken.clear();
            lanes.takeQueued(taken);
            assertThat(taken).isEmpty();
        }
    }
}

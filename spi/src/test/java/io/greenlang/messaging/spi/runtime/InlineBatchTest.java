package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlineBatchTest {
    private static InboundMessage record(int offset) {
        return InboundMessage.of(Message.builder("t").build(), new Position(Integer.toString(offset)), 1, null, null);
    }

    @Test
    void recordsAreTakenInOrderUpToTheSize() {
        InboundMessage[] records = {record(1), record(2), record(3)};
        InlineBatch batch = new InlineBatch(records, 2);
        assertThat(batch.take()).isSameAs(records[0]);
        assertThat(batch.take()).isSameAs(records[1]);
        assertThat(batch.take()).as("only the first two belong to the batch").isNull();
    }

    @Test
    void takingTheRestLeavesNothingToTake() {
        InboundMessage[] records = {record(1), record(2), record(3)};
        InlineBatch batch = new InlineBatch(records, 3);
        batch.take();
        List<InboundMessage> rest = new ArrayList<>();
        batch.takeRest(rest);
        assertThat(rest).containsExactly(records[1], records[2]);
        assertThat(batch.take()).isNull();
        batch.takeRest(rest);
        assertThat(rest).as("each record is taken once").hasSize(2);
    }

    @Test
    void theEmptyBatchHasNothing() {
        List<InboundMessage> rest = new ArrayList<>();
        InlineBatch.EMPTY.takeRest(rest);
        assertThat(rest).isEmpty();
    }
}

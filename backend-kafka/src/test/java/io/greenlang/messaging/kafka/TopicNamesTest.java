package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Names;
import io.greenlang.messaging.spi.priority.PriorityBands;
import org.junit.jupiter.api.Test;

class TopicNamesTest {
    @Test
    void eachBandHasItsTopicAndTheDefaultBandIsTheTopicItself() {
        assertThat(TopicNames.bandTopics("orders")).containsExactly("__gl.lo.orders", "orders", "__gl.hi.orders");
        assertThat(TopicNames.bandTopic("orders", PriorityBands.of(Message.DEFAULT_PRIORITY))).isEqualTo("orders");
        assertThat(TopicNames.bandTopic("orders", PriorityBands.of(9))).isEqualTo("__gl.hi.orders");
        assertThat(TopicNames.bandTopic("orders", PriorityBands.of(0))).isEqualTo("__gl.lo.orders");
        assertThatThrownBy(() -> TopicNames.bandTopic("orders", 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void derivedNamesAreUnambiguousAndFitKafkasLimit() {
        assertThat(TopicNames.retryTopic("a.b", "c")).isNotEqualTo(TopicNames.retryTopic("a", "b.c"));
        assertThat(TopicNames.deadLetterTopic("orders", "billing")).isEqualTo("__gl.dlq.6.orders.billing");
        String longest = "t".repeat(Names.MAX_LENGTH);
        for (String name : new String[] {TopicNames.bandTopic(longest, 0), TopicNames.bandTopic(longest, 2),
                TopicNames.retryTopic(longest, longest), TopicNames.deadLetterTopic(longest, "g")}) {
            assertThat(name).hasSizeLessThanOrEqualTo(Names.MAX_LENGTH).matches("[A-Za-z0-9._-]+");
        }
        assertThat(TopicNames.retryTopic(longest, "g")).isNotEqualTo(TopicNames.retryTopic(longest, "h"));
        assertThat(TopicNames.groupId("orders", "billing")).isEqualTo("billing@orders");
    }

    @Test
    void theReservedPrefixIsRefusedBeforeAnyIo() {
        assertThatThrownBy(() -> TopicNames.requireUserTopic("__gl.hi.orders"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThat(TopicNames.requireUserTopic("_gl.orders")).isEqualTo("_gl.orders");
    }
}

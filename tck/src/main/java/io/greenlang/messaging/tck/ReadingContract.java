package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;

/**
 * The kit's {@code read} group: the log can be read from the beginning or from a position.
 * {@link BrokerContractTest} runs it as its nested class {@code Reading}, so a failure reads
 * {@code Reading.required_...}; run this group alone with {@code -Dgroups=read}.
 */
public abstract class ReadingContract extends BrokerFeature {
    ReadingContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * {@code read(topic, beginning, max)} returns the retained messages in publish order, at the positions
     * publish returned, and respects {@code max}. If it fails, check the backend's range read (XRANGE,
     * seek to beginning) and how it maps positions.
     */
    @Test
    void required_readReturnsRetainedMessagesInPublishOrder() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String topic = topic("read");
        List<Message> published = texts(topic, "read", 10);
        List<PublishResult> results = publishEach(broker(), published);
        List<RecordedMessage> all = broker().read(topic, Position.beginning(), 100);
        assertThat(all).extracting(r -> r.message().id()).as("ids read from the beginning")
                .containsExactlyElementsOf(ids(published));
        assertThat(all).extracting(RecordedMessage::position).as("positions read")
                .containsExactlyElementsOf(results.stream().map(PublishResult::position).toList());
        for (int i = 0; i < all.size(); i++) {
            assertThat(withoutHash(all.get(i).message())).isEqualTo(published.get(i));
            assertIsHash(all.get(i).message().provenanceHash(), "message read from the log");
        }
        assertThat(broker().read(topic, Position.beginning(), 3)).extracting(r -> r.message().id()).as("max 3")
                .containsExactlyElementsOf(ids(published).subList(0, 3));
    }

    /**
     * Reading after the 5th message's position returns the 6th onwards; after the last, nothing. If it
     * fails, check that "after" is exclusive and positions are stable.
     */
    @Test
    void required_readAfterAPositionContinuesFromThere() {
        assumeCapability(Capability.READ_FROM_POSITION);
        String topic = topic("read-after");
        List<Message> published = texts(topic, "read-after", 10);
        List<PublishResult> results = publishEach(broker(), published);
        List<RecordedMessage> firstFive = broker().read(topic, Position.beginning(), 5);
        assertThat(firstFive).hasSize(5);
        assertThat(firstFive.get(4).position()).isEqualTo(results.get(4).position());
        assertThat(broker().read(topic, firstFive.get(4).position(), 100)).extracting(r -> r.message().id())
                .as("read after the 5th message").containsExactlyElementsOf(ids(published).subList(5, 10));
        assertThat(broker().read(topic, results.get(9).position(), 100)).as("read after the last message").isEmpty();
    }

    /**
     * Reading a topic nobody published to returns an empty list (no exception, nothing created that shows).
     * If it fails, check the backend's handling of a missing stream or topic.
     */
    @Test
    void required_readingAnUnknownTopicIsEmpty() {
        assumeCapability(Capability.READ_FROM_POSITION);
        assertThat(broker().read(topic("nobody"), Position.beginning(), 10)).isEmpty();
    }
}

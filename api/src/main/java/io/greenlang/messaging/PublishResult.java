package io.greenlang.messaging;

import java.util.Objects;

/**
 * The broker's confirmation that it stored a message. The position is the one deliveries and
 * {@link Broker#read} report for the same message.
 */
public record PublishResult(String messageId, String topic, Position position) {
    public PublishResult {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(position, "position");
    }
}

package io.greenlang.messaging;

import java.util.Objects;

/** A message read from a topic's log, with its position there. */
public record RecordedMessage(Message message, Position position) {
    public RecordedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(position, "position");
    }
}

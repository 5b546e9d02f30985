package io.greenlang.messaging.memory;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;

/** A message in a topic's log, with its offset. */
record Entry(long offset, Position position, Message message) {
    Entry(long offset, Message message) {
        this(offset, new Position(Long.toString(offset)), message);
    }
}

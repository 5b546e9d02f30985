package io.greenlang.messaging.memory;

import io.greenlang.messaging.Position;

/**
 * A message in a topic's log: its offset, what the log and the groups need to order and trim it, and the message
 * itself in the envelope the network backends store ({@link io.greenlang.messaging.spi.wire.WireFormat}). One
 * array per message rather than the half-dozen objects of a {@link io.greenlang.messaging.Message}: the log
 * keeps every message for the retention, and the garbage collector copies whatever lives that long, object by
 * object. Members decode on delivery ({@link MemoryTopic#message}).
 *
 * @param createdMicros the message's creation time in microseconds since the epoch, for trimming by age
 */
record Entry(long offset, int priority, long createdMicros, byte[] encoded) {
    /** Made on demand: the log keeps only the offset. */
    Position position() {
        return new Position(Long.toString(offset));
    }
}

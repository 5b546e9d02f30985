package io.greenlang.messaging.memory;

import io.greenlang.messaging.Position;

/**
 * A message in a topic's log: its offset, what the log and the groups need to order and trim it, and where the
 * message lies, in the envelope the network backends store ({@link io.greenlang.messaging.spi.wire.WireFormat}),
 * in one of the topic's slabs. The log keeps every message for the retention, and a garbage collector copies
 * whatever lives that long, object by object: a message here is this small object and bytes in a large array
 * (see {@link MemoryTopic}) rather than the half-dozen objects of a {@link io.greenlang.messaging.Message}.
 * Members decode on delivery ({@link MemoryTopic#message}).
 *
 * @param createdMicros the message's creation time in microseconds since the epoch, for trimming by age
 * @param keyCode a code for the message's key, for ordered members' key affinity ({@link KeyCodes}); 0 without a key
 * @param slab the array that holds the envelope, shared with the entries around it
 * @param start where the envelope begins in {@code slab}
 * @param length its size in bytes
 */
record Entry(long offset, int priority, long createdMicros, int keyCode, byte[] slab, int start, int length) {
    /** Made on demand: the log keeps only the offset. */
    Position position() {
        return new Position(Long.toString(offset));
    }
}

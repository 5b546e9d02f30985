package io.greenlang.messaging.memory;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.provenance.Provenance;

/**
 * A message in a topic's log, with its offset. The provenance hash is stamped once, on the first delivery
 * or read, by whichever consumer thread gets there first, so publishing in memory costs no hashing.
 */
final class Entry {
    private final long offset;
    private final Position position;
    private final Message published;
    private volatile Message stamped;

    Entry(long offset, Message message) {
        this.offset = offset;
        this.position = new Position(Long.toString(offset));
        this.published = message;
    }

    long offset() {
        return offset;
    }

    Position position() {
        return position;
    }

    /** The message as published, without a hash unless the publisher declared one. */
    Message message() {
        return published;
    }

    /** The message as delivered: with its provenance hash. */
    Message delivered(Codecs codecs) {
        Message m = stamped;
        if (m == null) {
            m = Provenance.stamp(published, codecs);
            stamped = m; // a race computes the same value twice, harmlessly
        }
        return m;
    }
}

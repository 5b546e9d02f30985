package io.greenlang.messaging.memory;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;

/**
 * A message in a topic's log, with its offset. Messages here never leave the process, so their provenance
 * hash is deferred: computed the first time something asks for it (see
 * {@link Message#withDeferredProvenanceHash}).
 */
record Entry(long offset, Message message) {
    /** Made on demand: the log keeps only the offset. */
    Position position() {
        return new Position(Long.toString(offset));
    }
}

package io.greenlang.messaging.benchmarks;

import java.nio.ByteBuffer;

/** Receives each payload a benchmark consumer takes; called from the consumers' threads, concurrently. */
@FunctionalInterface
public interface PayloadHandler {
    /** Handles one payload; the buffer is read-only and valid during the call only. */
    void onMessage(ByteBuffer payload);
}

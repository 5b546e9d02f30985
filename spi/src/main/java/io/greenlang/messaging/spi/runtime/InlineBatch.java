package io.greenlang.messaging.spi.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batch the poller runs itself (concurrency 1): it takes records one by one, and closing or stalling may take
 * the rest from another thread; one atomic counter decides who takes each record, so each is taken once.
 */
final class InlineBatch {
    static final InlineBatch EMPTY = new InlineBatch(new InboundMessage[0], 0);

    private final InboundMessage[] records;
    private final int size;
    private final AtomicInteger next = new AtomicInteger();

    /** The first {@code size} elements of {@code records}, which the batch owns from now on. */
    InlineBatch(InboundMessage[] records, int size) {
        this.records = records;
        this.size = size;
    }

    /** The next record, or {@code null} if none is left. */
    InboundMessage take() {
        int i = next.getAndIncrement();
        return i < size ? records[i] : null;
    }

    /** Takes every record not taken yet. */
    void takeRest(List<InboundMessage> into) {
        int from = next.getAndSet(size);
        for (int i = from; i < size; i++) {
            into.add(records[i]);
        }
    }
}

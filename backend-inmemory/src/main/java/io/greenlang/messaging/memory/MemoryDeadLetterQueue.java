package io.greenlang.messaging.memory;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.spi.runtime.AbstractDeadLetterQueue;
import java.util.List;

/** The dead letters of one group; a view that reads the group on every call. */
final class MemoryDeadLetterQueue extends AbstractDeadLetterQueue {
    private final MemoryBroker broker;

    MemoryDeadLetterQueue(MemoryBroker broker, String topic, String group) {
        super(broker, topic, group);
        this.broker = broker;
    }

    private MemoryGroup existing() {
        return broker.existingGroup(topic(), group());
    }

    @Override
    protected long doCount() {
        MemoryGroup g = existing();
        return g == null ? 0 : g.deadCount();
    }

    @Override
    protected List<DeadLetter> doList(int max) {
        MemoryGroup g = existing();
        return g == null ? List.of() : g.deadLetters(max);
    }

    @Override
    protected boolean doReplay(String deadLetterId) {
        MemoryGroup g = existing();
        return g != null && g.replay(deadLetterId);
    }

    @Override
    protected int doReplay(int max) {
        MemoryGroup g = existing();
        return g == null ? 0 : g.replay(max);
    }

    @Override
    protected long doPurge() {
        MemoryGroup g = existing();
        return g == null ? 0 : g.purge();
    }
}

package io.greenlang.messaging.memory;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import java.util.List;
import java.util.Objects;

/** The dead letters of one group; a view that reads the group on every call. */
final class MemoryDeadLetterQueue implements DeadLetterQueue {
    private final MemoryBroker broker;
    private final String topic;
    private final String group;

    MemoryDeadLetterQueue(MemoryBroker broker, String topic, String group) {
        this.broker = broker;
        this.topic = topic;
        this.group = group;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public long count() {
        MemoryGroup g = broker.existingGroup(topic, group);
        return g == null ? 0 : g.deadCount();
    }

    @Override
    public List<DeadLetter> list(int max) {
        requirePositive(max);
        MemoryGroup g = broker.existingGroup(topic, group);
        return g == null ? List.of() : g.deadLetters(max);
    }

    @Override
    public boolean replay(String deadLetterId) {
        Objects.requireNonNull(deadLetterId, "deadLetterId");
        MemoryGroup g = broker.existingGroup(topic, group);
        return g != null && g.replay(deadLetterId);
    }

    @Override
    public int replay(int max) {
        requirePositive(max);
        MemoryGroup g = broker.existingGroup(topic, group);
        return g == null ? 0 : g.replay(max);
    }

    @Override
    public long purge() {
        MemoryGroup g = broker.existingGroup(topic, group);
        return g == null ? 0 : g.purge();
    }

    private static void requirePositive(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
    }

    @Override
    public String toString() {
        return "DeadLetterQueue{" + topic + "/" + group + "}";
    }
}

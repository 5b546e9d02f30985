package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import java.util.List;
import java.util.Objects;

/**
 * The part of a dead-letter queue that is the same on every backend: arguments are checked and a closed broker is
 * refused ({@link io.greenlang.messaging.BrokerClosedException}) before any I/O, and lists are immutable. A backend
 * implements the {@code do*} methods, which see only valid arguments.
 *
 * <p>Thread-safe if the backend's methods are.
 */
public abstract class AbstractDeadLetterQueue implements DeadLetterQueue {
    private final AbstractBroker broker;
    private final String topic;
    private final String group;

    protected AbstractDeadLetterQueue(AbstractBroker broker, String topic, String group) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.group = Objects.requireNonNull(group, "group");
    }

    @Override
    public final String topic() {
        return topic;
    }

    @Override
    public final String group() {
        return group;
    }

    @Override
    public final long count() {
        broker.ensureOpen();
        return doCount();
    }

    @Override
    public final List<DeadLetter> list(int max) {
        requirePositive(max);
        broker.ensureOpen();
        return List.copyOf(doList(max));
    }

    @Override
    public final boolean replay(String deadLetterId) {
        Objects.requireNonNull(deadLetterId, "deadLetterId");
        broker.ensureOpen();
        return doReplay(deadLetterId);
    }

    @Override
    public final int replay(int max) {
        requirePositive(max);
        broker.ensureOpen();
        return doReplay(max);
    }

    @Override
    public final long purge() {
        broker.ensureOpen();
        return doPurge();
    }

    /** How many dead letters there are. */
    protected abstract long doCount();

    /** Up to {@code max} (at least 1) dead letters, oldest first. */
    protected abstract List<DeadLetter> doList(int max);

    /** Replays one dead letter; {@code false} if no dead letter has that id (an id of another form included). */
    protected abstract boolean doReplay(String deadLetterId);

    /** Replays up to {@code max} (at least 1) dead letters, oldest first; returns how many. */
    protected abstract int doReplay(int max);

    /** Removes every dead letter; returns how many. */
    protected abstract long doPurge();

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

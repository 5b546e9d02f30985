package io.greenlang.messaging.memory.broken;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;

/** A dead-letter queue that forwards everything to another, showing its messages through a function. */
public class ForwardingDeadLetterQueue implements DeadLetterQueue {
    private final DeadLetterQueue delegate;
    private final UnaryOperator<Message> inbound;

    public ForwardingDeadLetterQueue(DeadLetterQueue delegate, UnaryOperator<Message> inbound) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
    }

    @Override
    public String topic() {
        return delegate.topic();
    }

    @Override
    public String group() {
        return delegate.group();
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public List<DeadLetter> list(int max) {
        return delegate.list(max).stream().map(d -> new DeadLetter(d.id(), inbound.apply(d.message()), d.group(),
                d.reason(), d.attempts(), d.firstFailure(), d.lastFailure(), d.exceptionClass(),
                d.exceptionMessage())).toList();
    }

    @Override
    public boolean replay(String deadLetterId) {
        return delegate.replay(deadLetterId);
    }

    @Override
    public int replay(int max) {
        return delegate.replay(max);
    }

    @Override
    public long purge() {
        return delegate.purge();
    }
}

package io.greenlang.messaging.memory.broken;

import java.time.Duration;
import java.util.Objects;

import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;

/** A delivery that forwards everything to another but may show a different message. */
public class ForwardingDelivery implements Delivery {
    private final Delivery delegate;
    private final Message message;

    public ForwardingDelivery(Delivery delegate, Message message) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.message = Objects.requireNonNull(message, "message");
    }

    @Override
    public Message message() {
        return message;
    }

    @Override
    public int attempt() {
        return delegate.attempt();
    }

    @Override
    public Position position() {
        return delegate.position();
    }

    @Override
    public String group() {
        return delegate.group();
    }

    @Override
    public String consumerName() {
        return delegate.consumerName();
    }

    @Override
    public <T> T body(Class<T> type) {
        return delegate.body(type);
    }

    @Override
    public void ack() {
        delegate.ack();
    }

    @Override
    public void fail(Throwable cause) {
        delegate.fail(cause);
    }

    @Override
    public void deadLetter(String reason) {
        delegate.deadLetter(reason);
    }

    @Override
    public void release() {
        delegate.release();
    }

    @Override
    public boolean extendLease(Duration extension) {
        return delegate.extendLease(extension);
    }

    @Override
    public boolean isSettled() {
        return delegate.isSettled();
    }
}

package io.greenlang.messaging.memory.broken;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/** A subscription that forwards everything to another. */
public class ForwardingSubscription implements Subscription {
    private final Subscription delegate;

    public ForwardingSubscription(Subscription delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public SubscriptionOptions options() {
        return delegate.options();
    }

    @Override
    public boolean isActive() {
        return delegate.isActive();
    }

    @Override
    public int inFlight() {
        return delegate.inFlight();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        return delegate.closeAsync();
    }
}

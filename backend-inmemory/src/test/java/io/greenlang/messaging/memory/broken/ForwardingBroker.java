package io.greenlang.messaging.memory.broken;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * A broker that forwards everything to another, with hooks a broken variant overrides: {@link #outbound}
 * changes messages on their way in, {@link #inbound} changes them on their way out (deliveries, reads,
 * dead letters), {@link #wrap(MessageHandler)} changes how handlers are called and
 * {@link #wrap(DeadLetterQueue)} what dead-letter queues report. With no hook overridden it is a correct
 * broker.
 */
public class ForwardingBroker implements Broker {
    protected final Broker delegate;

    protected ForwardingBroker(Broker delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The message as stored; identity by default. Must keep the declared provenance hash. */
    protected Message outbound(Message message) {
        return message;
    }

    /** The message as the application sees it again; identity by default. */
    protected Message inbound(Message message) {
        return message;
    }

    /** How the real handler is called; by default with deliveries whose message went through {@link #inbound}. */
    protected MessageHandler wrap(MessageHandler handler) {
        return delivery -> handler.handle(new ForwardingDelivery(delivery, inbound(delivery.message())));
    }

    /** What a dead-letter queue reports; by default the real queue with messages through {@link #inbound}. */
    protected DeadLetterQueue wrap(DeadLetterQueue queue) {
        return new ForwardingDeadLetterQueue(queue, this::inbound);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Codec codec() {
        return delegate.codec();
    }

    @Override
    public CompletionStage<PublishResult> publishAsync(Message message) {
        return delegate.publishAsync(message == null ? null : outbound(message));
    }

    @Override
    public CompletionStage<List<PublishResult>> publishAllAsync(List<Message> messages) {
        return delegate.publishAllAsync(messages == null ? null
                : messages.stream().map(m -> m == null ? null : outbound(m)).toList());
    }

    @Override
    public CompletionStage<PublishResult> publishIfVersionAsync(Message message, long expectedVersion) {
        return delegate.publishIfVersionAsync(message == null ? null : outbound(message), expectedVersion);
    }

    @Override
    public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
        return new ForwardingSubscription(delegate.subscribe(options, handler == null ? null : wrap(handler)));
    }

    @Override
    public List<RecordedMessage> read(String topic, Position after, int max) {
        return delegate.read(topic, after, max).stream()
                .map(r -> new RecordedMessage(inbound(r.message()), r.position())).toList();
    }

    @Override
    public boolean verifyProvenance(Message message) {
        return delegate.verifyProvenance(message == null ? null : outbound(message));
    }

    @Override
    public DeadLetterQueue deadLetters(String topic, String group) {
        return wrap(delegate.deadLetters(topic, group));
    }

    @Override
    public Health health() {
        return delegate.health();
    }

    @Override
    public ConsumerLag lag(String topic, String group) {
        return delegate.lag(topic, group);
    }

    @Override
    public MetricsSnapshot metrics() {
        return delegate.metrics();
    }

    @Override
    public boolean isClosed() {
        return delegate.isClosed();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }

    /** The delivery of {@code d} as the handler sees it, for variants that wrap handlers themselves. */
    protected final Delivery inboundDelivery(Delivery d) {
        return new ForwardingDelivery(d, inbound(d.message()));
    }
}

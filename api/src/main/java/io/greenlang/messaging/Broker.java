package io.greenlang.messaging;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A connection to a message broker: publish, subscribe, inspect. Obtain one with {@link Brokers#connect}.
 *
 * <p>Thread-safe. Closing it closes its subscriptions (each with its grace period) and its connections;
 * afterwards every operation fails with {@link BrokerClosedException}. Close is idempotent.
 */
public interface Broker extends AutoCloseable {
    /** The broker's URL with secrets masked, fit for logs. */
    String name();

    Capabilities capabilities();

    /** The codec used for {@link #publish(String, Object)} and by default for {@link Delivery#body}. */
    Codec codec();

    /**
     * Publishes a message. The stage completes once the broker has stored it, or fails with a
     * {@link MessagingException}.
     *
     * @throws MessageTooLargeException at once, if the message is over the size limit
     * @throws BrokerClosedException at once, if the broker is closed
     */
    CompletionStage<PublishResult> publishAsync(Message message);

    /**
     * Publishes messages, in order, in one round trip where the backend can ({@link Capability#BATCH_PUBLISH});
     * where it cannot, one after the other. The stage completes once all are stored; on failure some may have
     * been stored.
     *
     * @throws MessageTooLargeException at once, if any message is over the size limit; nothing is sent
     */
    CompletionStage<List<PublishResult>> publishAllAsync(List<Message> messages);

    /**
     * Publishes only if the topic's version, the number of messages ever published to it, is
     * {@code expectedVersion}: the optimistic concurrency an event store needs. The stage fails with
     * {@link VersionConflictException} (naming the actual version) if another message came first.
     *
     * @throws UnsupportedCapabilityException if the backend declares {@link Capability#CONDITIONAL_APPEND}
     *     unsupported
     */
    CompletionStage<PublishResult> publishIfVersionAsync(Message message, long expectedVersion);

    /** Publishes conditionally and waits; see {@link #publishIfVersionAsync(Message, long)}. */
    default PublishResult publishIfVersion(Message message, long expectedVersion) {
        return await(publishIfVersionAsync(message, expectedVersion));
    }

    /** Publishes and waits for the broker's confirmation. */
    default PublishResult publish(Message message) {
        return await(publishAsync(message));
    }

    /** Publishes a batch and waits for the broker's confirmation. */
    default List<PublishResult> publishAll(List<Message> messages) {
        return await(publishAllAsync(messages));
    }

    /** Encodes {@code body} with {@link #codec()}, publishes and waits. */
    default PublishResult publish(String topic, Object body) {
        return publish(Message.builder(topic).body(body, codec()).build());
    }

    /**
     * Starts a member of {@code options.group()} on {@code options.topic()}, creating the group at its start
     * position if it does not exist. When this returns the group exists: messages published from then on
     * reach it, also while it has no live member.
     */
    Subscription subscribe(SubscriptionOptions options, MessageHandler handler);

    /** Subscribes with default options. */
    default Subscription subscribe(String topic, String group, MessageHandler handler) {
        return subscribe(SubscriptionOptions.builder(topic, group).build(), handler);
    }

    /**
     * Reads up to {@code max} retained messages that come after {@code after} in the topic's log, oldest
     * first, without a group and without acknowledging anything. Pass {@link Position#beginning()} to read
     * from the start, and the last message's position to continue.
     */
    List<RecordedMessage> read(String topic, Position after, int max);

    /**
     * Whether the message's declared provenance hash matches its fields; {@code false} if it has none or
     * it was altered. Structured payloads (JSON, MessagePack) are compared by content, so the verdict does
     * not depend on the codec that carried them.
     */
    boolean verifyProvenance(Message message);

    /** The dead-letter queue of one topic and group. */
    DeadLetterQueue deadLetters(String topic, String group);

    /**
     * A round trip to the broker; never throws: a broker that cannot be reached, or that is closed, is
     * {@code DOWN}.
     */
    Health health();

    /** How far {@code group} is behind on {@code topic}. */
    ConsumerLag lag(String topic, String group);

    /** The broker's counters and latencies. */
    MetricsSnapshot metrics();

    boolean isClosed();

    /**
     * Closes the broker: at once every operation fails with {@link BrokerClosedException}; every subscription
     * closes (in parallel, each as {@link Subscription#close()}: its running handlers get its grace period), then
     * the connections are freed. Idempotent.
     *
     * <p>Never throws, on any backend: a connection that fails to close is logged and abandoned. An interrupt does
     * not cut the close short, and the thread's interrupt flag is still set when it returns.
     *
     * <p>From any other thread it returns once all that is done. Called from inside a handler of one of this
     * broker's subscriptions it returns at once, without waiting for any handler (the calling one could not finish
     * while it waits): the broker is already closed to new calls, and the subscriptions stop and the connections
     * are freed in the background, as soon as every handler has returned or its grace period has run out. The
     * calling handler's own delivery may still be acknowledged until it returns. This is what
     * {@link Subscription#close()} does from a handler.
     */
    @Override
    void close();

    /** Waits for a stage, unwrapping its failure: a {@link MessagingException} is rethrown as it is. */
    static <T> T await(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("Interrupted while waiting for the broker", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        return new MessagingException(t.toString(), t);
    }
}

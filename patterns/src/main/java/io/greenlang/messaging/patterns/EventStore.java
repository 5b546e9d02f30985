package io.greenlang.messaging.patterns;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Names;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;

/**
 * Event sourcing on a broker: each stream is a topic ({@code <prefix><stream>}), events are appended to it
 * and read back in order from the start or from a {@link Checkpoint}, and state is rebuilt by folding them.
 * <pre>{@code
 * EventStore store = EventStore.create(broker);
 * Snapshot<Account> account = store.rebuild("account-7", Account.EMPTY, (a, e) -> a.apply(e));
 * store.append("account-7", new Deposited(100), account.version());   // fails if someone appended first
 * }</pre>
 *
 * <p>A stream's version is the number of events appended to it so far. An append with an expected version
 * succeeds only if the stream is at that version, else it fails with
 * {@link io.greenlang.messaging.VersionConflictException} naming the actual version: rebuild and decide again.
 * This needs the backend's {@link Capability#CONDITIONAL_APPEND}; where it is unsupported such an append
 * fails with {@link io.greenlang.messaging.UnsupportedCapabilityException} before any I/O, and only
 * unconditional appends work. Reading needs {@link Capability#READ_FROM_POSITION}.
 *
 * <p>Versions are counted from the start of the retained log, so an event stream must be retained forever:
 * give the broker a {@code retention} longer than any stream's life. Events are encoded with the broker's
 * codec; the type header ({@value #TYPE_HEADER}) holds the event's simple class name and the stream name is
 * the message key, so a stream keeps its order on partitioned backends.
 *
 * <p>Thread-safe and stateless: every call reads or writes the broker.
 */
public final class EventStore {
    /** Header that holds an event's type. */
    public static final String TYPE_HEADER = "greenlang.event.type";
    /** The topic prefix of {@link #create(Broker)}. */
    public static final String DEFAULT_TOPIC_PREFIX = "events.";

    private static final int PAGE = 500;

    private final Broker broker;
    private final String topicPrefix;

    private EventStore(Broker broker, String topicPrefix) {
        this.broker = broker;
        this.topicPrefix = topicPrefix;
    }

    /** A store whose streams are topics {@code events.<stream>}. */
    public static EventStore create(Broker broker) {
        return create(broker, DEFAULT_TOPIC_PREFIX);
    }

    /**
     * A store whose streams are topics {@code <topicPrefix><stream>}.
     *
     * @throws IllegalArgumentException if the prefix has characters a topic name cannot have
     */
    public static EventStore create(Broker broker, String topicPrefix) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Names.requireValidTopic(topicPrefix + "x");
        return new EventStore(broker, topicPrefix);
    }

    /**
     * The topic that holds {@code stream}.
     *
     * @throws IllegalArgumentException if the result is not a valid topic name
     */
    public String topic(String stream) {
        Objects.requireNonNull(stream, "stream");
        return Names.requireValidTopic(topicPrefix + stream);
    }

    /** Whether appends with an expected version work on this broker. */
    public boolean supportsExpectedVersion() {
        return broker.capabilities().supports(Capability.CONDITIONAL_APPEND);
    }

    /** Appends {@code event} whatever the stream's version, and waits for the broker. Works on every backend. */
    public AppendResult append(String stream, Object event) {
        Message m = event(stream, event);
        PublishResult r = broker.publish(m);
        return new AppendResult(stream, r.messageId(), r.position(), OptionalLong.empty());
    }

    /**
     * Appends {@code event} if the stream is at {@code expectedVersion}, and waits; see
     * {@link #appendAsync(String, Object, long)}.
     *
     * @throws io.greenlang.messaging.VersionConflictException if another event came first
     */
    public AppendResult append(String stream, Object event, long expectedVersion) {
        return Broker.await(appendAsync(stream, event, expectedVersion));
    }

    /**
     * Appends {@code event} if the stream has exactly {@code expectedVersion} events; the stage fails with
     * {@link io.greenlang.messaging.VersionConflictException} (with the actual version) otherwise, and nothing
     * is stored.
     *
     * @throws io.greenlang.messaging.UnsupportedCapabilityException at once, if the backend does not support
     *     {@link Capability#CONDITIONAL_APPEND}
     * @throws IllegalArgumentException if {@code expectedVersion} is negative
     */
    public CompletionStage<AppendResult> appendAsync(String stream, Object event, long expectedVersion) {
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must not be negative, was " + expectedVersion);
        }
        Message m = event(stream, event);
        broker.capabilities().require(Capability.CONDITIONAL_APPEND, broker.name());
        return broker.publishIfVersionAsync(m, expectedVersion).thenApply(r -> new AppendResult(stream, r.messageId(),
                r.position(), OptionalLong.of(expectedVersion + 1)));
    }

    /**
     * Up to {@code max} events after {@code after}, oldest first.
     *
     * @throws io.greenlang.messaging.UnsupportedCapabilityException if the backend cannot read from a position
     */
    public List<StoredEvent> read(String stream, Checkpoint after, int max) {
        Objects.requireNonNull(after, "after");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        String topic = topic(stream);
        broker.capabilities().require(Capability.READ_FROM_POSITION, broker.name());
        List<RecordedMessage> records = broker.read(topic, after.position(), max);
        List<StoredEvent> events = new ArrayList<>(records.size());
        long version = after.version();
        for (RecordedMessage r : records) {
            events.add(new StoredEvent(stream, ++version, r.position(), r.message(), broker.codec()));
        }
        return events;
    }

    /** Every event of the stream, oldest first. */
    public List<StoredEvent> readAll(String stream) {
        List<StoredEvent> all = new ArrayList<>();
        replay(stream, Checkpoint.START, all::add);
        return all;
    }

    /**
     * Hands every event after {@code after} to {@code consumer}, oldest first, page by page.
     *
     * @return the checkpoint after the last event handed over ({@code after} if there was none)
     */
    public Checkpoint replay(String stream, Checkpoint after, Consumer<StoredEvent> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Checkpoint at = Objects.requireNonNull(after, "after");
        while (true) {
            List<StoredEvent> page = read(stream, at, PAGE);
            if (page.isEmpty()) {
                return at;
            }
            for (StoredEvent e : page) {
                consumer.accept(e);
            }
            at = page.get(page.size() - 1).checkpoint();
        }
    }

    /** Folds every event of the stream into {@code initial}; see {@link #rebuild(String, Snapshot, BiFunction)}. */
    public <S> Snapshot<S> rebuild(String stream, S initial, BiFunction<S, StoredEvent, S> apply) {
        return rebuild(stream, Snapshot.initial(initial), apply);
    }

    /**
     * Folds the events after {@code from}'s checkpoint into its state with {@code apply}, which must not return
     * {@code null}. The result's version is the expected version for the next append.
     */
    public <S> Snapshot<S> rebuild(String stream, Snapshot<S> from, BiFunction<S, StoredEvent, S> apply) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(apply, "apply");
        List<S> state = new ArrayList<>(List.of(from.state()));
        Checkpoint last = replay(stream, from.checkpoint(), e -> state.set(0,
                Objects.requireNonNull(apply.apply(state.get(0), e), "apply returned null for " + e)));
        return new Snapshot<>(state.get(0), last);
    }

    /** The stream's version: how many events it holds. Reads the whole stream. */
    public long version(String stream) {
        return replay(stream, Checkpoint.START, e -> {
        }).version();
    }

    @Override
    public String toString() {
        return "EventStore{topicPrefix=" + topicPrefix + ", broker=" + broker.name() + "}";
    }

    private Message event(String stream, Object event) {
        Objects.requireNonNull(event, "event");
        String topic = topic(stream);
        String type = event.getClass().getSimpleName();
        return Message.builder(topic)
                .body(event, broker.codec())
                .header(TYPE_HEADER, type.isEmpty() ? event.getClass().getName() : type)
                .key(stream)
                .build();
    }
}

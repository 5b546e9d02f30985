package io.greenlang.messaging.memory;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.PublishFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The in-memory broker. Every capability is native. Publishing completes synchronously: a completed
 * publish is visible to every group at once. Nothing survives the JVM.
 *
 * <p>Each topic's log keeps messages for the {@code retention} (default 7 days), like the other backends.
 * A long-running process with busy topics should also bound it by count with {@code max-retained-messages}
 * (no limit by default), since the heap is its disk. Trimming the log only affects {@link #read} (and so event
 * stores that replay it): a group still delivers every message it has not finished, however old.
 */
public final class MemoryBroker extends AbstractBroker {
    /** Option: how many messages each topic's log keeps at most; the oldest go first. */
    public static final String MAX_RETAINED_MESSAGES = "max-retained-messages";
    /** The default of {@value #MAX_RETAINED_MESSAGES}: no limit besides the retention, as on other backends. */
    public static final int DEFAULT_MAX_RETAINED_MESSAGES = Integer.MAX_VALUE;

    private final MemoryStore store;
    private final boolean named;

    /** Connects to the store the URL names ({@code memory://name}), or to a private one ({@code memory://}). */
    public MemoryBroker(BrokerConfig config) {
        super("memory", config, Capabilities.builder().build());
        String name = config.hosts().isEmpty() ? (config.path().isEmpty() ? null : config.path()) : config.hosts().get(0);
        this.named = name != null;
        int maxRetained = config.intOption(MAX_RETAINED_MESSAGES, DEFAULT_MAX_RETAINED_MESSAGES);
        if (maxRetained < 1) {
            throw new ConfigurationException("Option '" + MAX_RETAINED_MESSAGES + "' must be at least 1, was "
                    + maxRetained + ".");
        }
        this.store = MemoryStore.acquire(name, config.retention(), maxRetained);
    }

    /** Messages never leave the JVM here, so the log defers each one's hash until it is asked for. */
    @Override
    protected boolean stampsOnPublish() {
        return false;
    }

    @Override
    protected void doPublish(Message message, PublishFuture<PublishResult> result) {
        Entry e = store.topic(message.topic()).append(message);
        result.succeed(new PublishResult(message.id(), message.topic(), e.position()));
    }

    @Override
    protected void doPublishIfVersion(Message message, long expectedVersion, PublishFuture<PublishResult> result) {
        try {
            Entry e = store.topic(message.topic()).appendIfVersion(message, expectedVersion);
            result.succeed(new PublishResult(message.id(), message.topic(), e.position()));
        } catch (VersionConflictException conflict) {
            result.fail(conflict);
        }
    }

    @Override
    protected void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> results) {
        List<PublishResult> published = new ArrayList<>(messages.size());
        int start = 0;
        // one lock round per run of messages to the same topic
        for (int i = 1; i <= messages.size(); i++) {
            if (i == messages.size() || !messages.get(i).topic().equals(messages.get(start).topic())) {
                List<Message> run = messages.subList(start, i);
                List<Entry> entries = store.topic(run.get(0).topic()).append(run);
                for (int j = 0; j < entries.size(); j++) {
                    published.add(new PublishResult(run.get(j).id(), run.get(j).topic(), entries.get(j).position()));
                }
                start = i;
            }
        }
        results.succeed(published);
    }

    @Override
    protected ConsumerSource openConsumer(SubscriptionOptions options) {
        MemoryGroup group = store.topic(options.topic()).group(options.group(), options.startPosition());
        return new MemoryConsumerSource(group, options.consumerName(), options.ordered(), options.leaseTimeout());
    }

    @Override
    protected List<RecordedMessage> doRead(String topic, Position after, int max) {
        MemoryTopic t = store.existingTopic(topic);
        return t == null ? List.of() : t.read(after, max);
    }

    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String group) {
        return new MemoryDeadLetterQueue(this, topic, group);
    }

    @Override
    protected ConsumerLag doLag(String topic, String group) {
        MemoryTopic t = store.existingTopic(topic);
        if (t == null) {
            return ConsumerLag.ofMissingGroup(topic, group);
        }
        t.lock.lock();
        try {
            MemoryGroup g = t.existingGroupLocked(group);
            return g == null ? ConsumerLag.ofMissingGroup(topic, group)
                    : new ConsumerLag(topic, group, g.backlog(), g.pending());
        } finally {
            t.lock.unlock();
        }
    }

    @Override
    protected Map<String, String> doHealthCheck() {
        return Map.of("backend", "memory", "store", store.name(), "topics", Integer.toString(store.topics().size()));
    }

    @Override
    protected void doClose() {
        if (named) {
            store.release();
        }
    }

    MemoryGroup existingGroup(String topic, String group) {
        ensureOpen();
        MemoryTopic t = store.existingTopic(topic);
        return t == null ? null : t.existingGroup(group);
    }
}

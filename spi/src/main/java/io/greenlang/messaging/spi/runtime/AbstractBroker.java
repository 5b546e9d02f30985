package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.MessageTooLargeException;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.Names;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.UnsupportedCapabilityException;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import io.greenlang.messaging.spi.provenance.Provenance;
import io.greenlang.messaging.spi.wire.EnvelopeSize;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a broker that is the same on every backend: argument and name validation before any I/O,
 * the size limit, provenance stamping, metrics, the consumer runtime, and closing. A backend implements
 * the {@code do*} methods and {@link #openConsumer}.
 *
 * <p>Thread-safe if the backend's methods are.
 */
public abstract class AbstractBroker implements Broker {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractBroker.class);

    private final String backend;
    private final BrokerConfig config;
    private final Capabilities capabilities;
    private final Codecs codecs;
    private final Codec codec;
    private final BrokerMetrics metrics;
    private final long maxMessageSize;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<ConsumerRuntime> subscriptions = ConcurrentHashMap.newKeySet();

    /**
     * @param backend the backend's short name, used as a metric tag: {@code memory}, {@code redis}...
     * @throws io.greenlang.messaging.ConfigurationException if the codec option names no known codec
     */
    protected AbstractBroker(String backend, BrokerConfig config, Capabilities capabilities) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.config = Objects.requireNonNull(config, "config");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.codecs = Codecs.standard();
        this.codec = codecs.forName(config.codec());
        this.maxMessageSize = config.maxMessageSize();
        this.metrics = new BrokerMetrics(backend, config.option(BrokerConfig.METRICS_NAME).orElse(backend));
    }

    @Override
    public String name() {
        return config.redactedUrl();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public Codec codec() {
        return codec;
    }

    /** The codecs deliveries decode with. */
    public Codecs codecs() {
        return codecs;
    }

    public BrokerConfig config() {
        return config;
    }

    /** The backend's short name. */
    public String backend() {
        return backend;
    }

    /** The broker's meters, for backends that count more. */
    protected BrokerMetrics metricsRecorder() {
        return metrics;
    }

    /** Publishes this broker's meters to {@code registry} as well. */
    public void bindTo(MeterRegistry registry) {
        metrics.bindTo(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public final CompletionStage<PublishResult> publishAsync(Message message) {
        Objects.requireNonNull(message, "message");
        ensureOpen();
        checkSize(message);
        long start = System.nanoTime(); // the publish latency counts from the call, hashing included
        PublishFuture<PublishResult> result = new PublishFuture<>(metrics, 1, start);
        doPublish(stamp(message), result);
        return result;
    }

    @Override
    public final CompletionStage<List<PublishResult>> publishAllAsync(List<Message> messages) {
        Objects.requireNonNull(messages, "messages");
        ensureOpen();
        for (Message m : messages) { // all checked before any is sent
            checkSize(Objects.requireNonNull(m, "a message in the batch is null"));
        }
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        PublishFuture<List<PublishResult>> results = new PublishFuture<>(metrics, messages.size(), System.nanoTime());
        List<Message> stamped = new ArrayList<>(messages.size());
        for (Message m : messages) {
            stamped.add(stamp(m));
        }
        doPublishAll(stamped, results);
        return results;
    }

    @Override
    public final CompletionStage<PublishResult> publishIfVersionAsync(Message message, long expectedVersion) {
        Objects.requireNonNull(message, "message");
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion must not be negative, was " + expectedVersion);
        }
        ensureOpen();
        capabilities.require(Capability.CONDITIONAL_APPEND, name());
        checkSize(message);
        PublishFuture<PublishResult> result = new PublishFuture<>(metrics, 1, System.nanoTime());
        doPublishIfVersion(stamp(message), expectedVersion, result);
        return result;
    }

    private Message stamp(Message message) {
        return stampsOnPublish() ? Provenance.stamp(message, codecs) : message;
    }

    @Override
    public final Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        ensureOpen();
        ConsumerSource source = openConsumer(options);
        ConsumerRuntime runtime = new ConsumerRuntime(options, handler, source, metrics, codecs, subscriptions::remove);
        subscriptions.add(runtime);
        if (isClosed()) { // closed while we were opening: do not leave it running
            subscriptions.remove(runtime);
            source.close();
            throw closedException();
        }
        Subscription subscription = runtime.start();
        try {
            awaitMemberReady(source);
        } catch (RuntimeException e) {
            subscription.close();
            throw e;
        }
        return subscription;
    }

    @Override
    public final List<RecordedMessage> read(String topic, Position after, int max) {
        Names.requireValidTopic(topic);
        Objects.requireNonNull(after, "after");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        ensureOpen();
        return doRead(topic, after, max);
    }

    @Override
    public final DeadLetterQueue deadLetters(String topic, String group) {
        Names.requireValidTopic(topic);
        Names.requireValidGroup(group);
        ensureOpen();
        return doDeadLetters(topic, group);
    }

    @Override
    public final ConsumerLag lag(String topic, String group) {
        Names.requireValidTopic(topic);
        Names.requireValidGroup(group);
        ensureOpen();
        return doLag(topic, group);
    }

    @Override
    public final Health health() {
        if (isClosed()) {
            return new Health(Health.Status.DOWN, Duration.ZERO, Map.of("error", "broker is closed"));
        }
        long start = System.nanoTime();
        try {
            Map<String, String> details = doHealthCheck();
            return new Health(Health.Status.UP, Duration.ofNanos(System.nanoTime() - start), details);
        } catch (RuntimeException e) {
            return new Health(Health.Status.DOWN, Duration.ofNanos(System.nanoTime() - start),
                    Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    @Override
    public final MetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    @Override
    public final boolean verifyProvenance(Message message) {
        return Provenance.verify(Objects.requireNonNull(message, "message"), codecs);
    }

    @Override
    public final boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes every subscription (each within its grace period, in parallel), then the backend. Never throws: a
     * failure to free a connection is logged. An interrupt does not cut it short; the thread's interrupt flag is
     * as it was when close returns. Called from a handler of one of this broker's subscriptions, it returns at once
     * and finishes in the background (a handler must not wait for itself), as {@link Subscription#close()} does.
     */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<ConsumerRuntime> running = List.copyOf(subscriptions);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        boolean fromHandler = false;
        for (ConsumerRuntime s : running) {
            pending.add(s.closeAsync().toCompletableFuture());
            fromHandler |= s.runsOnCurrentThread();
        }
        CompletableFuture<Void> stopped = CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
        if (fromHandler) {
            stopped.whenComplete((ignored, failure) -> closeBackend());
            return;
        }
        boolean interrupted = Thread.interrupted(); // a client library may fail on an interrupted thread
        try {
            stopped.join();
            closeBackend();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeBackend() {
        try {
            doClose();
        } catch (RuntimeException e) {
            LOG.warn("Closing the connections of broker {} failed; they are abandoned: {}", name(), e.toString());
        } finally {
            metrics.close();
        }
    }

    /** Fails with {@link BrokerClosedException} if the broker is closed. */
    protected final void ensureOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private BrokerClosedException closedException() {
        return new BrokerClosedException("Broker " + name() + " is closed. Connect again with Brokers.connect(...)"
                + " to keep working.");
    }

    /** The limit counts the bytes stored, in UTF-8 ({@link EnvelopeSize}); exact counting only near the limit. */
    private void checkSize(Message message) {
        if (EnvelopeSize.atMost(message) <= maxMessageSize) {
            return;
        }
        long size = EnvelopeSize.of(message);
        if (size > maxMessageSize) {
            throw new MessageTooLargeException(message.topic(), size, maxMessageSize);
        }
    }

    /**
     * Whether messages get their provenance hash on the publisher's thread, before {@code doPublish}. A
     * backend that never lets a message leave the JVM may return {@code false} and stamp each stored message
     * once, before it is first delivered or read, instead (see {@link Provenance#stamp}); every message
     * handed out must carry its hash either way.
     */
    protected boolean stampsOnPublish() {
        return true;
    }

    /**
     * Stores one message and settles {@code result} once the broker confirmed it, or failed to; may settle it
     * before returning. A failure may also be thrown, before anything was sent.
     */
    protected abstract void doPublish(Message message, PublishFuture<PublishResult> result);

    /** Stores messages in order, in one round trip where the backend can; settles {@code results} once. */
    protected abstract void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> results);

    /**
     * Stores the message only if the topic has had exactly {@code expectedVersion} messages published to
     * it, atomically; otherwise fails {@code result} with {@link io.greenlang.messaging.VersionConflictException}.
     * Backends that declare {@link Capability#CONDITIONAL_APPEND} unsupported never see this call.
     */
    protected void doPublishIfVersion(Message message, long expectedVersion, PublishFuture<PublishResult> result) {
        throw new UnsupportedCapabilityException(Capability.CONDITIONAL_APPEND, name(),
                "this backend does not implement conditional appends");
    }

    /** Joins {@code options.group()} on {@code options.topic()}, creating the group at its start position. */
    protected abstract ConsumerSource openConsumer(SubscriptionOptions options);

    /**
     * Called once a new subscription's runtime runs, before {@code subscribe} returns: a backend whose members
     * share a group's work may wait here until the new member holds its share, while the runtime already hands out
     * what the member has. Returns at once by default.
     */
    protected void awaitMemberReady(ConsumerSource source) {
    }

    protected abstract List<RecordedMessage> doRead(String topic, Position after, int max);

    protected abstract DeadLetterQueue doDeadLetters(String topic, String group);

    protected abstract ConsumerLag doLag(String topic, String group);

    /** A round trip to the broker; returns details for {@link Health}, throws if the broker is unreachable. */
    protected abstract Map<String, String> doHealthCheck();

    /** Frees the backend's connections; subscriptions are already closed. A failure is logged, not thrown. */
    protected abstract void doClose();
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.PublishFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A broker on Redis Streams, standalone or Redis Cluster, through Lettuce. Create it with
 * {@link io.greenlang.messaging.Brokers#connect} and a {@code redis://}, {@code rediss://} or
 * {@code redis-cluster://} URL; {@link RedisBrokerProvider} lists the options.
 *
 * <h2>How the contract maps to Redis</h2>
 * <ul>
 *   <li>A topic is three streams, one per priority band (see {@link Keys}); a group is a consumer group on each
 *       of them plus a retry stream, a delay sorted set and a dead-letter stream of its own.</li>
 *   <li>Publishing is {@code XADD}, trimming with {@code MINID ~} for the retention; a batch is one pipeline.
 *       A publish whose outcome is unknown after a connection loss fails instead of being re-sent (see
 *       {@link RedisPublisher}).</li>
 *   <li>A subscription reads with {@code XREADGROUP} on a connection of its own, acknowledges in batches with
 *       {@code XACK}, schedules retries and dead-letters with Lua scripts that also check that the member
 *       still holds the entry, and claims entries idle longer than its lease with {@code XAUTOCLAIM}
 *       (see {@link RedisConsumerSource}).</li>
 *   <li>Positions are <code>band:ms-seq</code>; see {@link Positions} for the order of {@link #read}.</li>
 * </ul>
 *
 * <p>Thread-safe. All subscriptions of a broker share its Lettuce client and threads; each has one extra
 * connection for its blocking reads.
 */
public final class RedisBroker extends AbstractBroker {
    /** What this backend provides, and how. */
    static final Capabilities CAPABILITIES = Capabilities.builder()
            .emulated(Capability.RETRY_WITH_BACKOFF, "retries wait in a sorted set per group, scored by due time, "
                    + "and are moved to a retry stream the group reads first; the failed entry is acknowledged "
                    + "atomically (Lua), so later messages are not held back")
            .emulated(Capability.DEAD_LETTER_QUEUE, "a stream per topic and group (key P:{topic}:dlq:group); replay "
                    + "copies the message to that group's retry stream, so only the failed group sees it again")
            .emulated(Capability.TIME_TO_LIVE, "the expiry travels in the envelope and is checked before every "
                    + "hand-over; the entry itself stays until retention trims the stream")
            .emulated(Capability.PRIORITY, "one stream per band (priorities 0-3, 4-6, 7-9), read highest first; "
                    + "while a lower band waits, every 10th delivery goes to its oldest message")
            .emulated(Capability.ORDERING_BY_KEY, "per key within one member: its consumer runtime runs a key's "
                    + "messages one at a time in stream order")
            .unsupported(Capability.ORDERING_BY_KEY_ACROSS_MEMBERS, "Redis Streams hand a group's entries to its "
                    + "members without regard to keys, so with several members in one group, messages of one key "
                    + "can be handled by different members at the same time; use one member per group when a key's "
                    + "order matters")
            .emulated(Capability.CONDITIONAL_APPEND, "a Lua script sums entries-added (every entry ever added, "
                    + "trimmed ones included) over the topic's band streams and appends only if that is the expected "
                    + "version, in one atomic step; it costs an XINFO STREAM per band")
            .build();

    private final RedisSettings settings;
    private final RedisErrors errors;
    private final RedisClients clients;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final Keys keys;
    private final TrimThreshold trimThreshold;
    private final RedisPublisher publisher;
    private final Map<String, String> details;
    private final RedisCalls calls;
    private final LogReader reader;
    private final GroupLag lag;

    private RedisBroker(BrokerConfig config, RedisSettings settings, RedisErrors errors, RedisClients clients,
            StatefulConnection<byte[], byte[]> connection) {
        super("redis", config, CAPABILITIES);
        this.settings = settings;
        this.errors = errors;
        this.clients = clients;
        this.connection = connection;
        this.commands = RedisClients.async(connection);
        this.calls = new RedisCalls(settings, errors, this::isClosed);
        this.keys = new Keys(settings.keyPrefix());
        this.reader = new LogReader(keys, commands, calls);
        this.lag = new GroupLag(keys, commands, calls);
        this.trimThreshold = new TrimThreshold(settings.retention());
        this.publisher = new RedisPublisher(connection, keys, settings, trimThreshold, errors, clients.scheduler(),
                clients.timer(), clients::refreshTopology);
        Map<String, String> d = new LinkedHashMap<>();
        d.put("backend", "redis");
        d.put("mode", settings.mode().name().toLowerCase(Locale.ROOT));
        d.put("endpoints", settings.endpointsForMessages());
        settings.sentinel().ifPresent(s -> d.put("master-name", s.master()));
        if (settings.replicaAcks().enabled()) {
            d.put("replica-acks", Integer.toString(settings.replicaAcks().count()));
        }
        d.put("tls", Boolean.toString(settings.tls()));
        d.put("user", settings.userForMessages());
        d.put("server", serverVersion());
        this.details = Map.copyOf(d);
    }

    /**
     * Connects as the configuration says.
     *
     * @throws io.greenlang.messaging.ConfigurationException if an option is invalid
     * @throws io.greenlang.messaging.ConnectionException if the server cannot be reached
     * @throws io.greenlang.messaging.AuthenticationException if it refuses the credentials
     */
    static RedisBroker connect(BrokerConfig config) {
        RedisSettings settings = RedisSettings.from(config);
        RedisErrors errors = new RedisErrors(settings);
        RedisClients clients = new RedisClients(settings, errors);
        try {
            StatefulConnection<byte[], byte[]> connection = clients.connect("connect");
            try {
                new ReplicationWait(connection, settings.replicaAcks(), clients::refreshTopology).requireReplicas(
                        new RedisCalls(settings, errors, () -> false), masterForMessages(settings));
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
            return new RedisBroker(config, settings, errors, clients, connection);
        } catch (RuntimeException e) {
            clients.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------ publishing

    @Override
    protected void doPublish(Message message, PublishFuture<PublishResult> result) {
        publisher.publish(List.of(message))
                .whenComplete((results, failure) -> result.settle(failure == null ? results.get(0) : null, failure));
    }

    @Override
    protected void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> results) {
        results.settleWith(publisher.publish(messages));
    }

    /**
     * The topic's version is the number of messages ever published to it: the sum of {@code entries-added} of
     * its band streams, which trimming does not lower. The check and the {@code XADD} run in one script.
     */
    @Override
    protected void doPublishIfVersion(Message message, long expectedVersion, PublishFuture<PublishResult> result) {
        result.settleWith(publisher.publishIfVersion(message, expectedVersion));
    }

    // ------------------------------------------------------------------------------------------ consuming

    @Override
    protected ConsumerSource openConsumer(SubscriptionOptions options) {
        return new RedisConsumerSource(this, options);
    }

    // ------------------------------------------------------------------------------------------ reading

    @Override
    protected List<RecordedMessage> doRead(String topic, Position after, int max) {
        return reader.read(topic, after, max);
    }

    // ------------------------------------------------------------------------------------------ inspecting

    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String group) {
        return new RedisDeadLetterQueue(this, topic, group);
    }

    /** See {@link GroupLag}. */
    @Override
    protected ConsumerLag doLag(String topic, String group) {
        return lag.of(topic, group);
    }

    /** {@code PING}; details name the server version, mode, endpoints, TLS and user, never a secret. */
    @Override
    protected Map<String, String> doHealthCheck() {
        await(commands.ping().toCompletableFuture(), "check its health (PING)"); // no retry: report what is
        if (settings.mode() != RedisSettings.Mode.SENTINEL) {
            return details;
        }
        Map<String, String> withMaster = new LinkedHashMap<>(details);
        withMaster.put("master", currentMaster());
        return withMaster;
    }

    @Override
    protected void doClose() {
        try {
            connection.close();
        } finally {
            clients.close();
        }
    }

    @Override
    public String toString() {
        return "RedisBroker{" + name() + (isClosed() ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------------------------------ for the package

    RedisSettings settings() {
        return settings;
    }

    RedisErrors errors() {
        return errors;
    }

    RedisClients clients() {
        return clients;
    }

    Keys keys() {
        return keys;
    }

    /** The shared connection's commands: non-blocking ones only. */
    RedisClusterAsyncCommands<byte[], byte[]> commands() {
        return commands;
    }

    /** The MINID threshold scripts use for retry streams; {@code 0} trims nothing. */
    byte[] minIdArgument() {
        return trimThreshold.scriptArgument();
    }

    void checkOpen() {
        ensureOpen();
    }

    /** Waits for a command and translates its failure, as {@link RedisCalls#await} says. */
    <T> T await(CompletableFuture<T> future, String what) {
        return calls.await(future, what);
    }

    /** Runs a command, sending it again if Redis did not run it, as {@link RedisCalls#call} says. */
    <T> T call(String what, Supplier<? extends CompletableFuture<T>> command) {
        return calls.call(what, command);
    }

    private static String masterForMessages(RedisSettings settings) {
        return settings.sentinel().map(s -> "master '" + s.master() + "'")
                .orElse("at " + settings.endpointsForMessages());
    }

    /**
     * The address of the server this broker's connection is on, as that server sees it ({@code laddr} of
     * {@code CLIENT INFO}): after a failover, the promoted replica's.
     */
    private String currentMaster() {
        try {
            String info = await(commands.clientInfo().toCompletableFuture(), "name the master it is on (CLIENT INFO)");
            return Arrays.stream(info.trim().split(" ")).filter(f -> f.startsWith("laddr="))
                    .map(f -> f.substring("laddr=".length())).findFirst().orElse("unknown");
        } catch (RuntimeException e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    private String serverVersion() {
        try {
            String info = await(commands.info("server").toCompletableFuture(), "read its version");
            return Arrays.stream(info.split("\r?\n")).filter(l -> l.startsWith("redis_version:"))
                    .map(l -> "redis " + l.substring("redis_version:".length()).trim()).findFirst().orElse("redis");
        } catch (RuntimeException e) {
            return "redis (version unknown: " + e.getClass().getSimpleName() + ")";
        }
    }
}

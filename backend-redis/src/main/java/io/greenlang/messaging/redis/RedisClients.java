package io.greenlang.messaging.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.DecoratedCommand;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Lettuce client ({@link RedisClient}, also for Sentinel, or {@link RedisClusterClient}) with its own threads,
 * configured from {@link RedisSettings}, and the connections made from it. Thread-safe.
 *
 * <p>Choices that matter for correctness, all set here:
 * <ul>
 *   <li>{@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS}: Lettuce re-sends commands that were in
 *       flight when a connection dropped once it reconnects, which duplicates an {@code XADD} the server had
 *       already applied. With this setting a command in flight at a disconnect fails (its outcome is unknown),
 *       and a command issued while disconnected fails at once without being sent; the connection still
 *       reconnects by itself. The publisher retries only the second kind (see {@code RedisPublisher}).</li>
 *   <li>A command timeout ({@code command-timeout}) on every command, asynchronous ones included; Lettuce
 *       sets a timer per command for it, except for a {@link SelfTimedCommand}, whose sender enforces the
 *       timeout itself (the publisher: one timer per pipeline rather than per message).</li>
 *   <li>Dead connections are replaced: a {@link SilentConnectionWatchdog} on every connection closes one that
 *       answered nothing for {@code command-timeout} while a command waited (command timers fire a little later,
 *       so that it names the cause), and TCP keep-alive ({@link TcpKeepAlive}) closes an idle one to a vanished
 *       host; Lettuce then reconnects.</li>
 *   <li>A {@link QuietCommandEncoder} instead of Lettuce's encoder, which logs every frame (the password of
 *       {@code AUTH} included) at TRACE.</li>
 *   <li>RESP2, so that replies such as {@code XINFO GROUPS} have one shape on every server.</li>
 *   <li>Reconnect attempts at most a second apart, so a connection is back soon after a failover.</li>
 *   <li>For a cluster, topology refresh every 30 s besides Lettuce's adaptive refresh (on MOVED, ASK, repeated
 *       reconnects, an uncovered slot or an unknown node; all on by default), at most
 *       {@link #ADAPTIVE_REFRESH_INTERVAL} apart, so that a failover is followed.</li>
 * </ul>
 */
final class RedisClients implements AutoCloseable {
    /**
     * Between reconnect attempts: doubling from 10 ms, at most 1 s. Lettuce's default grows to 30 s, which after a
     * failover of a few seconds could leave a connection waiting half a minute for a master that is already back.
     */
    private static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
            TimeUnit.MILLISECONDS);

    /**
     * Least time between two adaptive topology refreshes of a cluster. Lettuce's default is 5 s: the first refresh,
     * triggered by reconnect attempts to a killed master, comes before its replica is promoted and finds nothing
     * new, and the next is allowed only 5 s later, so publishing stalled about 3 s past the promotion. Once a
     * second, as often as a connection tries to reconnect, it follows within about a second. The cost, while a node
     * stays unreachable: once a second a short-lived connection to each node for {@code CLUSTER NODES} and
     * {@code INFO}.
     */
    private static final Duration ADAPTIVE_REFRESH_INTERVAL = Duration.ofSeconds(1);

    private final RedisSettings settings;
    private final RedisErrors errors;
    private final HashedWheelTimer timer;
    private final ClientResources resources;
    private final RedisClient standalone;
    private final RedisClusterClient cluster;
    private final RedisURI uri;

    RedisClients(RedisSettings settings, RedisErrors errors) {
        this.settings = settings;
        this.errors = errors;
        // a 10 ms tick instead of Netty's 100 ms: timeouts fire, and a connection the watchdog closed is opened again,
        // within about 10 ms, well inside the time a command waits for a connection
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("greenlang-redis-timer", true), 10,
                TimeUnit.MILLISECONDS);
        // Lettuce's own encoder logs every frame at TRACE, AUTH and its password included: ChannelSetup replaces it,
        // and puts a watchdog for silent connections on every connection
        this.resources = DefaultClientResources.builder().nettyCustomizer(new ChannelSetup(settings.commandTimeout()))
                .timer(timer).reconnectDelay(RECONNECT_DELAY).build();
        List<RedisURI> uris = new ArrayList<>();
        for (RedisSettings.HostAndPort endpoint : settings.endpoints()) {
            uris.add(uri(endpoint));
        }
        ClientOptions options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .socketOptions(TcpKeepAlive.socketOptions(settings.connectTimeout()))
                .timeoutOptions(TimeoutOptions.builder().timeoutSource(new CommandTimeouts(
                        SilentConnectionWatchdog.commandTimer(settings.commandTimeout()))).build())
                .sslOptions(sslOptions())
                .build();
        if (settings.mode() == RedisSettings.Mode.CLUSTER) {
            this.uri = null;
            this.standalone = null;
            this.cluster = RedisClusterClient.create(resources, uris);
            cluster.setOptions(ClusterClientOptions.builder(options)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_INTERVAL)
                            .build())
                    .build());
        } else {
            this.uri = settings.mode() == RedisSettings.Mode.SENTINEL ? sentinelUri() : uris.get(0);
            this.cluster = null;
            this.standalone = RedisClient.create(resources, uri);
            standalone.setOptions(options);
        }
    }

    /**
     * Opens a new connection.
     *
     * @throws io.greenlang.messaging.ConnectionException if the server cannot be reached
     * @throws io.greenlang.messaging.AuthenticationException if it refuses the credentials
     */
    StatefulConnection<byte[], byte[]> connect(String purpose) {
        return connect(purpose, null);
    }

    /**
     * Opens a new connection. In a cluster, the connections to the masters are opened at once (only to the
     * one serving {@code key}'s slot if a key is given): Lettuce opens them lazily, and with
     * {@link ClientOptions.DisconnectedBehavior#REJECT_COMMANDS} a command to a node whose connection is still
     * being opened is refused.
     */
    StatefulConnection<byte[], byte[]> connect(String purpose, byte[] key) {
        try {
            if (cluster != null) {
                StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
                try {
                    int slot = key == null ? -1 : SlotHash.getSlot(key);
                    for (RedisClusterNode node : c.getPartitions()) {
                        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && (slot < 0 || node.hasSlot(slot))) {
                            c.getConnection(node.getUri().getHost(), node.getUri().getPort()); // keyed as routing keys it
                        }
                    }
                } catch (RuntimeException e) {
                    c.close();
                    throw e;
                }
                return c;
            }
            return standalone.connect(ByteArrayCodec.INSTANCE, uri);
        } catch (RuntimeException e) {
            throw errors.translate(e, purpose);
        }
    }

    /** The asynchronous commands of a connection this class made; the same interface for both kinds. */
    static RedisClusterAsyncCommands<byte[], byte[]> async(StatefulConnection<byte[], byte[]> connection) {
        if (connection instanceof StatefulRedisClusterConnection) {
            return ((StatefulRedisClusterConnection<byte[], byte[]>) connection).async();
        }
        return ((StatefulRedisConnection<byte[], byte[]>) connection).async();
    }

    /** Reads a cluster's slots and nodes again, in the background; nothing to do off Redis Cluster. */
    void refreshTopology() {
        if (cluster != null) {
            cluster.refreshPartitionsAsync();
        }
    }

    /** A scheduler for short, non-blocking tasks (Lettuce's event executors). */
    ScheduledExecutorService scheduler() {
        return resources.eventExecutorGroup();
    }

    /** Lettuce's timer: cheap to arm and cancel by the thousand; its tasks must hand real work to a scheduler. */
    Timer timer() {
        return resources.timer();
    }

    /** A command whose sender enforces {@code command-timeout} itself, so Lettuce arms no timer for it. */
    static final class SelfTimedCommand<T> extends AsyncCommand<byte[], byte[], T> {
        SelfTimedCommand(RedisCommand<byte[], byte[], T> command) {
            super(command);
        }
    }

    /** {@code command-timeout} for every command but a {@link SelfTimedCommand}, which gets none from Lettuce. */
    static final class CommandTimeouts extends TimeoutOptions.TimeoutSource {
        private final long timeoutNanos;

        CommandTimeouts(Duration timeout) {
            this.timeoutNanos = timeout.toNanos();
        }

        @Override
        public long getTimeout(RedisCommand<?, ?, ?> command) {
            // a cluster connection wraps a command in its own routing command, and a SelfTimedCommand itself wraps
            // the plain command: look at every layer, not only the innermost
            for (RedisCommand<?, ?, ?> c = command; c != null; ) {
                if (c instanceof SelfTimedCommand) {
                    return 0;
                }
                c = c instanceof DecoratedCommand ? ((DecoratedCommand<?, ?, ?>) c).getDelegate() : null;
            }
            return timeoutNanos;
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.NANOSECONDS;
        }
    }

    @Override
    public void close() {
        AbstractRedisClient client = cluster != null ? cluster : standalone;
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            timer.stop(); // given to the resources, so theirs to use but ours to stop
        }
    }

    private RedisURI uri(RedisSettings.HostAndPort endpoint) {
        RedisURI.Builder b = RedisURI.builder().withHost(endpoint.host()).withPort(endpoint.port());
        tls(b);
        credentials(b, settings.username(), settings.password());
        return b.withTimeout(settings.commandTimeout()).withDatabase(settings.database()).build();
    }

    /**
     * The master as the sentinels name it: Lettuce asks them for its address on every connect and reconnect, so
     * a connection lost in a failover comes back on the promoted replica.
     */
    private RedisURI sentinelUri() {
        RedisSettings.Sentinel sentinel = settings.sentinel().orElseThrow();
        RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(sentinel.master());
        for (RedisSettings.HostAndPort endpoint : settings.endpoints()) {
            RedisURI.Builder s = RedisURI.builder().withHost(endpoint.host()).withPort(endpoint.port())
                    .withTimeout(settings.connectTimeout());
            tls(s);
            credentials(s, sentinel.username(), sentinel.password());
            b.withSentinel(s.build());
        }
        tls(b);
        credentials(b, settings.username(), settings.password());
        return b.withTimeout(settings.commandTimeout()).withDatabase(settings.database()).build();
    }

    private void tls(RedisURI.Builder b) {
        if (settings.tls()) {
            b.withSsl(true).withVerifyPeer(switch (settings.verifyPeer()) {
                case FULL -> SslVerifyMode.FULL;
                case CA -> SslVerifyMode.CA;
                case NONE -> SslVerifyMode.NONE;
            });
        }
    }

    private static void credentials(RedisURI.Builder b, Optional<String> username, Optional<String> password) {
        if (password.isPresent()) {
            if (username.isPresent()) {
                b.withAuthentication(username.get(), password.get().toCharArray());
            } else {
                b.withPassword(password.get().toCharArray());
            }
        }
    }

    private SslOptions sslOptions() {
        SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
        settings.trustCert().ifPresent(p -> b.trustManager(p.toFile()));
        settings.trustStore().ifPresent(p -> b.truststore(p.toFile(), settings.trustStorePassword().orElse(null)));
        if (settings.clientCert().isPresent()) {
            b.keyManager(settings.clientCert().get().toFile(), settings.clientKey().orElseThrow().toFile(),
                    settings.clientKeyPassword().map(String::toCharArray).orElse(null));
        }
        return b.build();
    }
}

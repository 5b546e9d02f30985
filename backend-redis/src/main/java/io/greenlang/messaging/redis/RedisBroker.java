package io.greenlang.messaging.redis;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.CommandRetry;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.PublishFuture;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);
    private static final int LAG_COUNT_CAP = 100_000;

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
    private final RedisPublisher publisher;
    private final Map<String, String> details;
    private final CommandRetry retry;

    private RedisBroker(BrokerConfig config, RedisSettings settings, RedisErrors errors, RedisClients clients,
            StatefulConnection<byte[], byte[]> connection) {
        super("redis", config, CAPABILITIES);
        this.settings = settings;
        this.errors = errors;
        this.clients = clients;
        this.connection = connection;
        this.commands = RedisClients.async(connection);
        this.retry = new CommandRetry(settings.commandTimeout(), e -> e instanceof NotApplied);
        this.keys = new Keys(settings.keyPrefix());
        this.publisher = new RedisPublisher(connection, keys, settings, errors, clients.scheduler(),
                clients.timer());
        Map<String, String> d = new LinkedHashMap<>();
        d.put("backend", "redis");
        d.put("mode", settings.mode() == RedisSettings.Mode.CLUSTER ? "cluster" : "standalone");
        d.put("endpoints", settings.endpointsForMessages());
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
        Positions.StreamPosition cursor = after.isBeginning() ? null : Positions.parse(after);
        byte[][] streams = new byte[PriorityBands.COUNT][];
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            streams[b] = keys.band(topic, b);
        }
        List<RecordedMessage> out = new ArrayList<>();
        String what = "read topic '" + topic + "'";
        while (out.size() < max) {
            int want = max - out.size();
            Positions.StreamPosition from = cursor;
            List<List<StreamMessage<byte[], byte[]>>> pages = call(what, () -> {
                List<CompletableFuture<List<StreamMessage<byte[], byte[]>>>> fs = new ArrayList<>();
                for (int b = 0; b < PriorityBands.COUNT; b++) {
                    fs.add(commands.xrange(streams[b], lowerBound(from, b), Limit.from(want)).toCompletableFuture());
                }
                return CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]))
                        .thenApply(v -> fs.stream().map(CompletableFuture::join).toList());
            });
            List<Positions.StreamPosition> positions = new ArrayList<>();
            Map<Positions.StreamPosition, StreamMessage<byte[], byte[]>> entries = new LinkedHashMap<>();
            Positions.StreamPosition bound = null;
            for (int b = 0; b < PriorityBands.COUNT; b++) {
                List<StreamMessage<byte[], byte[]>> page = pages.get(b);
                for (StreamMessage<byte[], byte[]> m : page) {
                    long[] id = Positions.entryId(m.getId());
                    Positions.StreamPosition p = new Positions.StreamPosition(b, id[0], id[1]);
                    positions.add(p);
                    entries.put(p, m);
                }
                if (page.size() == want) { // this band may have more: nothing after its last entry is certain
                    long[] id = Positions.entryId(page.get(page.size() - 1).getId());
                    Positions.StreamPosition last = new Positions.StreamPosition(b, id[0], id[1]);
                    bound = bound == null || last.compareTo(bound) < 0 ? last : bound;
                }
            }
            if (positions.isEmpty()) {
                break;
            }
            positions.sort(Positions.StreamPosition::compareTo);
            Positions.StreamPosition examined = null;
            for (Positions.StreamPosition p : positions) {
                if (out.size() == max || (bound != null && p.compareTo(bound) > 0)) {
                    break;
                }
                examined = p;
                StreamMessage<byte[], byte[]> m = entries.get(p);
                byte[] envelope = m.getBody() == null ? null : Fields.get(m.getBody(), Fields.MESSAGE);
                if (envelope == null) {
                    LOG.debug("Skipping entry {} of {} while reading: it has no field 'm'", m.getId(), topic);
                    continue;
                }
                try {
                    out.add(new RecordedMessage(WireFormat.decode(envelope, topic), Positions.of(p.band(), m.getId())));
                } catch (PayloadDecodingException e) {
                    LOG.debug("Skipping entry {} of {} while reading: {}", m.getId(), topic, e.getMessage());
                }
            }
            if (bound == null) {
                break; // every band was read to its end
            }
            cursor = examined;
        }
        return List.copyOf(out);
    }

    /** Where band {@code band} continues after {@code cursor} in log order (time, band, sequence). */
    private static Range<String> lowerBound(Positions.StreamPosition cursor, int band) {
        if (cursor == null) {
            return Range.unbounded();
        }
        Range.Boundary<String> lower;
        if (band == cursor.band()) {
            lower = Range.Boundary.excluding(cursor.entryId());
        } else if (band > cursor.band()) {
            lower = Range.Boundary.including(cursor.millis() + "-0");
        } else {
            lower = Range.Boundary.including((cursor.millis() + 1) + "-0");
        }
        return Range.from(lower, Range.Boundary.unbounded());
    }

    // ------------------------------------------------------------------------------------------ inspecting

    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String group) {
        return new RedisDeadLetterQueue(this, topic, group);
    }

    /**
     * Backlog: the sum of {@code XINFO GROUPS} {@code lag} over the band streams and the group's retry stream,
     * plus the retries waiting in the delay set. Where Redis cannot tell the lag (after deletions inside the
     * unread range), the entries after the group's last delivered id are counted, up to 100 000 per stream.
     * Pending: the sum of {@code pending} over the same streams.
     */
    @Override
    protected ConsumerLag doLag(String topic, String group) {
        String what = "measure the lag of group '" + group + "' on topic '" + topic + "'";
        byte[][] streams = {keys.band(topic, 0), keys.band(topic, 1), keys.band(topic, 2), keys.retry(topic, group)};
        byte[] delayKey = keys.delay(topic, group);
        List<Object> replies = call(what, () -> {
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (byte[] s : streams) {
                fs.add(commands.xinfoGroups(s).toCompletableFuture()
                        .exceptionally(e -> isNoSuchKey(e) ? List.of() : rethrow(e)));
            }
            fs.add(commands.zcard(delayKey).toCompletableFuture());
            return CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> fs.stream().map(f -> (Object) f.join()).toList());
        });
        long backlog = 0;
        long pending = 0;
        boolean exists = false;
        for (int i = 0; i < streams.length; i++) {
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) replies.get(i);
            Map<String, Object> info = groupInfo(reply, group);
            if (info == null) {
                continue;
            }
            exists = true;
            pending += asLong(info.get("pending"));
            Object lag = info.get("lag");
            if (lag instanceof Long) {
                backlog += (Long) lag;
            } else {
                Object last = info.get("last-delivered-id");
                String lastId = last instanceof byte[] ? Keys.string((byte[]) last) : String.valueOf(last);
                byte[] stream = streams[i];
                backlog += call(what, () -> commands.xrange(stream,
                        Range.from(Range.Boundary.excluding(lastId), Range.Boundary.unbounded()),
                        Limit.from(LAG_COUNT_CAP)).toCompletableFuture()).size();
            }
        }
        backlog += (Long) replies.get(streams.length);
        return exists ? new ConsumerLag(topic, group, backlog, pending) : ConsumerLag.ofMissingGroup(topic, group);
    }

    private static boolean isNoSuchKey(Throwable e) {
        return String.valueOf(RedisErrors.unwrap(e).getMessage()).contains("no such key");
    }

    private static <T> T rethrow(Throwable e) {
        Throwable t = RedisErrors.unwrap(e);
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        throw new IllegalStateException(t);
    }

    /** The fields of {@code group} in an {@code XINFO GROUPS} reply, or {@code null}. */
    static Map<String, Object> groupInfo(List<Object> reply, String group) {
        for (Object g : reply) {
            if (!(g instanceof List)) {
                continue;
            }
            List<?> fields = (List<?>) g;
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                Object k = fields.get(i);
                map.put(k instanceof byte[] ? Keys.string((byte[]) k) : String.valueOf(k), fields.get(i + 1));
            }
            Object name = map.get("name");
            String n = name instanceof byte[] ? Keys.string((byte[]) name) : String.valueOf(name);
            if (n.equals(group)) {
                return map;
            }
        }
        return null;
    }

    private static long asLong(Object o) {
        if (o instanceof Long) {
            return (Long) o;
        }
        if (o instanceof byte[]) {
            return Long.parseLong(Keys.string((byte[]) o));
        }
        return o == null ? 0 : Long.parseLong(o.toString());
    }

    /** {@code PING}; details name the server version, mode, endpoints, TLS and user, never a secret. */
    @Override
    protected Map<String, String> doHealthCheck() {
        await(commands.ping().toCompletableFuture(), "check its health (PING)"); // no retry: report what is
        return details;
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
        byte[] t = publisher.trimThreshold();
        return t != null ? t : Fields.bytes("0");
    }

    void checkOpen() {
        ensureOpen();
    }

    /**
     * Waits for a command, at most the command timeout and a second, and translates its failure.
     *
     * @throws MessagingException on failure, timeout or interruption
     */
    <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(settings.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new MessagingException("Interrupted while waiting for Redis to " + what, e);
        } catch (ExecutionException e) {
            throw errors.translate(e.getCause(), what);
        } catch (TimeoutException e) {
            throw errors.translate(new io.lettuce.core.RedisCommandTimeoutException("no reply within "
                    + settings.commandTimeout()), what);
        }
    }

    /**
     * Runs a command (or a pipeline of them) and waits for it. A command Redis did not run because the
     * connection was down, the server was loading or the cluster was reconfiguring is sent again as
     * {@link CommandRetry} says, until the command timeout has passed; any other failure is translated at once.
     *
     * @throws MessagingException on failure, timeout or interruption
     */
    <T> T call(String what, Supplier<? extends CompletableFuture<T>> command) {
        try {
            return retry.run(what, () -> attempt(what, command));
        } catch (NotApplied e) {
            throw errors.translate(e.getCause(), what);
        }
    }

    private <T> T attempt(String what, Supplier<? extends CompletableFuture<T>> command) {
        CompletableFuture<T> f;
        try {
            f = command.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        try {
            return f.get(settings.commandTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new MessagingException("Interrupted while waiting for Redis to " + what, e);
        } catch (ExecutionException e) {
            if (RedisErrors.outcome(e.getCause()) == RedisErrors.Outcome.NOT_APPLIED_TRANSIENT && !isClosed()) {
                throw new NotApplied(e.getCause());
            }
            throw errors.translate(e.getCause(), what);
        } catch (TimeoutException e) {
            throw errors.translate(new io.lettuce.core.RedisCommandTimeoutException("no reply within "
                    + settings.commandTimeout()), what);
        }
    }

    /** A command Redis did not run: safe to send again. Carries Lettuce's failure, translated if retries run out. */
    private static final class NotApplied extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotApplied(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
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

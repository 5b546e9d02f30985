package io.greenlang.messaging.redis;

import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Appends messages to their band streams: one {@code XADD} per message with field {@code m} holding the
 * envelope. A batch is written to the connection in one go and flushed once: a pipeline, one round trip.
 *
 * <p>Retention rides on the appends: an {@code XADD} carries {@code MINID ~ now-retention} (see
 * {@link TrimThreshold}), or {@code MAXLEN ~ n} with option {@code max-length}, when its stream's
 * {@link TrimSchedule} says so: the first append in a new second, and every {@value TrimSchedule#TRIM_EVERY}th.
 *
 * <p>No duplicates made by the client. The connection rejects commands while disconnected and fails the ones
 * in flight at a disconnect instead of re-sending them (see {@link RedisClients}). So:
 * <ul>
 *   <li>an {@code XADD} refused before it ran (not connected, {@code LOADING}, {@code CLUSTERDOWN},
 *       {@code TRYAGAIN}) is sent again, in order, with a growing pause, until {@code command-timeout} has
 *       passed since the publish began;</li>
 *   <li>an {@code XADD} whose outcome is unknown (connection lost while it was in flight, or no reply within
 *       {@code command-timeout}) is never sent again: the publish fails with a {@link ConnectionException} or
 *       {@link io.greenlang.messaging.MessagingTimeoutException} saying so, and the caller decides whether to
 *       publish again (at-least-once for the producer).</li>
 * </ul>
 * With option {@code replica-acks}, a {@code WAIT} follows each pipeline (see {@link ReplicationWait}), and a
 * publish is confirmed only once enough replicas have it; too few fails it as an unknown outcome, not sent again.
 *
 * <p>Thread-safe; never blocks.
 */
final class RedisPublisher {
    static final long FIRST_PAUSE_MILLIS = 20;
    static final long MAX_PAUSE_MILLIS = 500;
    private static final byte[] APPROXIMATELY = {'~'};
    private static final byte[] NEW_ID = {'*'};
    /** Topics whose stream keys and trim schedules are kept; beyond that the cache starts over. */
    private static final int CACHED_TOPICS = 1024;

    private final StatefulConnection<byte[], byte[]> connection;
    private final Keys keys;
    private final RedisSettings settings;
    private final RedisErrors errors;
    private final ScheduledExecutorService scheduler;
    private final CommandDeadline deadline;
    private final PublishFailures failures;
    private final ConditionalAppend conditionalAppend;
    private final Map<String, BandKeys> bandKeys = new ConcurrentHashMap<>();
    private final TrimThreshold trimThreshold;
    private final ReplicationWait replication;

    RedisPublisher(StatefulConnection<byte[], byte[]> connection, Keys keys, RedisSettings settings,
            TrimThreshold trimThreshold, RedisErrors errors, ScheduledExecutorService scheduler, Timer timer,
            Runnable topologyRefresh) {
        this.connection = connection;
        this.keys = keys;
        this.settings = settings;
        this.trimThreshold = trimThreshold;
        this.errors = errors;
        this.scheduler = scheduler;
        this.replication = new ReplicationWait(connection, settings.replicaAcks(), topologyRefresh);
        this.deadline = new CommandDeadline(settings.commandTimeout(), scheduler, timer);
        this.failures = new PublishFailures(settings, errors, replication);
        this.conditionalAppend = new ConditionalAppend(keys, settings, trimThreshold, errors, scheduler,
                replication, deadline, failures);
    }

    /** Stores the messages in order; completes with one result per message, or fails. */
    CompletableFuture<List<PublishResult>> publish(List<Message> messages) {
        int n = messages.size();
        BandKeys[] topics = new BandKeys[n];
        byte[][] envelopes = new byte[n][];
        int[] bands = new int[n];
        BandKeys topicKeys = null;
        for (int i = 0; i < n; i++) {
            Message m = messages.get(i);
            if (topicKeys == null || !topicKeys.topic().equals(m.topic())) {
                topicKeys = bandKeys(m.topic());
            }
            topics[i] = topicKeys;
            bands[i] = PriorityBands.of(m.priority());
            envelopes[i] = WireFormat.encodeWithoutTopic(m); // the stream key names it
        }
        Batch batch = new Batch(messages, topics, envelopes, bands,
                System.nanoTime() + settings.commandTimeout().toNanos());
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        send(batch, all, FIRST_PAUSE_MILLIS);
        return batch.result;
    }

    /** See {@link ConditionalAppend}. */
    CompletableFuture<PublishResult> publishIfVersion(Message message, long expectedVersion) {
        return conditionalAppend.publish(message, expectedVersion);
    }

    private void send(Batch batch, int[] indices, long pauseMillis) {
        long now = System.currentTimeMillis();
        byte[] minId = trimThreshold.minId(now);
        boolean trimming = settings.maxLength() > 0 || minId != null;
        List<AsyncCommand<byte[], byte[], String>> commands = new ArrayList<>(indices.length);
        List<byte[]> streams = replication.enabled() ? new ArrayList<>(1) : null;
        // runs of consecutive appends to one stream ask its trim schedule once, not once per message
        for (int start = 0, end; start < indices.length; start = end) {
            BandKeys topic = batch.topics[indices[start]];
            int band = batch.bands[indices[start]];
            end = start + 1;
            while (end < indices.length && batch.topics[indices[end]] == topic && batch.bands[indices[end]] == band) {
                end++;
            }
            int firstTrim = trimming ? topic.trims()[band].firstTrim(now / 1000, end - start) : -1;
            for (int k = start; k < end; k++) {
                if (streams != null) {
                    streams.add(topic.keys()[band]);
                }
                commands.add(xadd(topic.keys()[band], TrimSchedule.trims(firstTrim, k - start), minId,
                        batch.envelopes[indices[k]]));
            }
        }
        List<AsyncCommand<byte[], byte[], Long>> waits;
        if (streams == null) {
            dispatch(connection, commands);
            waits = List.of();
        } else {
            waits = replication.dispatchAfter(dispatchToWriters(commands, streams));
        }
        List<AsyncCommand<byte[], byte[], ?>> all = new ArrayList<>(commands);
        all.addAll(waits);
        deadline.whenAllComplete(all, () -> {
            settle(batch, indices, commands, waits, pauseMillis);
        });
    }

    private static void dispatch(StatefulConnection<byte[], byte[]> target,
            List<AsyncCommand<byte[], byte[], String>> commands) {
        try {
            if (commands.size() == 1) {
                target.dispatch(commands.get(0));
            } else {
                @SuppressWarnings({"unchecked", "rawtypes"})
                List<RedisCommand<byte[], byte[], ?>> dispatched = (List) commands;
                target.dispatch(dispatched);
            }
        } catch (RuntimeException e) {
            for (AsyncCommand<byte[], byte[], String> c : commands) {
                c.completeExceptionally(e);
            }
        }
    }

    /**
     * With replica acknowledgements: each append on the connection its {@code WAIT} will go to (the slot's master
     * on Redis Cluster), in order per connection; returns those connections.
     */
    private Set<StatefulConnection<byte[], byte[]>> dispatchToWriters(
            List<AsyncCommand<byte[], byte[], String>> commands, List<byte[]> streams) {
        Map<StatefulConnection<byte[], byte[]>, List<AsyncCommand<byte[], byte[], String>>> byWriter =
                new LinkedHashMap<>();
        for (int k = 0; k < commands.size(); k++) {
            byWriter.computeIfAbsent(replication.writerFor(streams.get(k)), w -> new ArrayList<>())
                    .add(commands.get(k));
        }
        byWriter.forEach(RedisPublisher::dispatch);
        return byWriter.keySet();
    }

    /** {@code XADD stream [MAXLEN ~ n | MINID ~ minId] * m envelope}, the trim clause if {@code trim}. */
    private AsyncCommand<byte[], byte[], String> xadd(byte[] stream, boolean trim, byte[] minId, byte[] envelope) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(stream);
        if (trim && settings.maxLength() > 0) {
            args.add(CommandKeyword.MAXLEN).add(APPROXIMATELY).add(settings.maxLength());
        } else if (trim) {
            args.add(CommandKeyword.MINID).add(APPROXIMATELY).add(minId);
        }
        args.add(NEW_ID).add(Fields.MESSAGE).add(envelope);
        return new RedisClients.SelfTimedCommand<>(new Command<>(CommandType.XADD,
                new StatusOutput<>(ByteArrayCodec.INSTANCE), args));
    }

    /** The band stream keys and trim schedules of {@code topic}, kept for the topics published to lately. */
    private BandKeys bandKeys(String topic) {
        BandKeys cached = bandKeys.get(topic);
        if (cached != null) {
            return cached;
        }
        if (bandKeys.size() >= CACHED_TOPICS) {
            bandKeys.clear(); // a forgotten topic only costs its next append a trim clause
        }
        byte[][] streams = new byte[PriorityBands.COUNT][];
        TrimSchedule[] trims = new TrimSchedule[PriorityBands.COUNT];
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            streams[b] = keys.band(topic, b);
            trims[b] = new TrimSchedule();
        }
        return bandKeys.computeIfAbsent(topic, t -> new BandKeys(t, streams, trims));
    }

    private void settle(Batch batch, int[] indices, List<AsyncCommand<byte[], byte[], String>> commands,
            List<AsyncCommand<byte[], byte[], Long>> waits, long pauseMillis) {
        Throwable refused = null;
        Throwable unknown = null;
        Throwable transientFailure = null;
        int[] again = new int[indices.length];
        int retries = 0;
        boolean stored = false;
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            AsyncCommand<byte[], byte[], String> c = commands.get(k);
            if (!c.isCompletedExceptionally()) {
                stored = true;
                batch.results[i] = new PublishResult(batch.messages.get(i).id(), batch.messages.get(i).topic(),
                        Positions.of(batch.bands[i], c.join()));
                continue;
            }
            Throwable failure = RedisErrors.unwrap(c.handle((v, e) -> e).join());
            switch (RedisErrors.outcome(failure)) {
                case REFUSED:
                    refused = refused == null ? failure : refused;
                    break;
                case UNKNOWN:
                    unknown = unknown == null ? failure : unknown;
                    break;
                default:
                    if (transientFailure == null && RedisErrors.isRedirect(failure)) {
                        replication.refreshTopology();
                    }
                    transientFailure = transientFailure == null ? failure : transientFailure;
                    again[retries++] = i;
            }
        }
        String what = describe(batch.messages);
        if (stored && refused == null && unknown == null && !waits.isEmpty()) {
            RuntimeException unconfirmed = failures.unconfirmed(waits, what);
            if (unconfirmed != null) {
                batch.result.completeExceptionally(unconfirmed);
                return;
            }
        }
        if (refused != null) {
            batch.result.completeExceptionally(errors.translate(refused, what));
        } else if (unknown != null) {
            batch.result.completeExceptionally(failures.unknownOutcome(unknown, what));
        } else if (retries > 0) {
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) - batch.deadlineNanos > 0) {
                batch.result.completeExceptionally(errors.translate(transientFailure, what));
                return;
            }
            int[] next = Arrays.copyOf(again, retries);
            try {
                scheduler.schedule(() -> send(batch, next, Math.min(pauseMillis * 2, MAX_PAUSE_MILLIS)), pauseMillis,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                batch.result.completeExceptionally(errors.translate(transientFailure, what));
            }
        } else {
            batch.result.complete(List.of(batch.results));
        }
    }

    private static String describe(List<Message> messages) {
        if (messages.size() == 1) {
            return "publish message " + messages.get(0).id() + " to topic '" + messages.get(0).topic() + "'";
        }
        return "publish a batch of " + messages.size() + " messages (the first to topic '" + messages.get(0).topic()
                + "')";
    }

    /** The band stream keys of one topic, and when each is next trimmed. */
    private record BandKeys(String topic, byte[][] keys, TrimSchedule[] trims) {
    }

    /** One publish call: its messages, what they became, and its outcome. */
    private static final class Batch {
        final List<Message> messages;
        final BandKeys[] topics;
        final byte[][] envelopes;
        final int[] bands;
        final long deadlineNanos;
        final PublishResult[] results;
        final CompletableFuture<List<PublishResult>> result = new CompletableFuture<>();

        Batch(List<Message> messages, BandKeys[] topics, byte[][] envelopes, int[] bands, long deadlineNanos) {
            this.messages = messages;
            this.topics = topics;
            this.envelopes = envelopes;
            this.bands = bands;
            this.deadlineNanos = deadlineNanos;
            this.results = new PublishResult[messages.size()];
        }
    }
}

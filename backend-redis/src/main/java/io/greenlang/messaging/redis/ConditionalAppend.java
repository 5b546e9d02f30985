package io.greenlang.messaging.redis;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.AsyncCommand;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code Broker.publishIfVersion} on Redis: a Lua script sums {@code entries-added} over the topic's band streams
 * (every entry ever added, trimmed ones included) and appends only at the expected version, in one atomic step.
 */
final class ConditionalAppend {
    private final Keys keys;
    private final RedisSettings settings;
    private final TrimThreshold trimThreshold;
    private final RedisErrors errors;
    private final ScheduledExecutorService scheduler;
    private final ReplicationWait replication;
    private final CommandDeadline deadline;
    private final PublishFailures failures;

    ConditionalAppend(Keys keys, RedisSettings settings, TrimThreshold trimThreshold, RedisErrors errors,
            ScheduledExecutorService scheduler, ReplicationWait replication, CommandDeadline deadline,
            PublishFailures failures) {
        this.keys = keys;
        this.settings = settings;
        this.trimThreshold = trimThreshold;
        this.errors = errors;
        this.scheduler = scheduler;
        this.replication = replication;
        this.deadline = deadline;
        this.failures = failures;
    }

    /**
     * Appends the message only if its topic is at {@code expectedVersion} (the number of messages ever
     * published to it), checked and appended in one script. Fails with {@link VersionConflictException} naming
     * the actual version otherwise. Refusals before the script ran are retried like plain publishes; an unknown
     * outcome fails (read the topic to see whether it was stored).
     */
    CompletableFuture<PublishResult> publish(Message message, long expectedVersion) {
        int band = PriorityBands.of(message.priority());
        byte[][] streams = new byte[PriorityBands.COUNT][];
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            streams[b] = keys.band(message.topic(), b);
        }
        byte[] envelope = WireFormat.encodeWithoutTopic(message);
        CompletableFuture<PublishResult> result = new CompletableFuture<>();
        append(message, expectedVersion, band, streams, envelope, result,
                System.nanoTime() + settings.commandTimeout().toNanos(), RedisPublisher.FIRST_PAUSE_MILLIS);
        return result;
    }

    private void append(Message message, long expected, int band, byte[][] streams, byte[] envelope,
            CompletableFuture<PublishResult> result, long deadlineNanos, long pauseMillis) {
        byte[] trim = trimThreshold.minId();
        String keyword = settings.maxLength() > 0 ? "MAXLEN" : trim != null ? "MINID" : "";
        byte[] threshold = settings.maxLength() > 0 ? Fields.bytes(Long.toString(settings.maxLength()))
                : trim != null ? trim : new byte[0];
        StatefulConnection<byte[], byte[]> writer = replication.writerFor(streams[band]);
        CompletableFuture<List<Object>> run;
        try {
            // on the connection the WAIT goes to, as for plain publishes (see ReplicationWait.writerFor)
            run = Script.APPEND_IF_VERSION.run(RedisClients.async(writer), ScriptOutputType.MULTI, streams,
                    Fields.bytes(Long.toString(expected)), Fields.bytes(Integer.toString(band + 1)),
                    Fields.bytes(keyword), threshold, envelope);
        } catch (RuntimeException e) {
            run = CompletableFuture.failedFuture(e);
        }
        String what = "append message " + message.id() + " to topic '" + message.topic() + "' at version " + expected;
        run.whenComplete((reply, failure) -> {
            if (failure == null) {
                String value = Keys.string((byte[]) reply.get(1));
                if (Long.valueOf(1).equals(reply.get(0))) {
                    PublishResult stored = new PublishResult(message.id(), message.topic(), Positions.of(band, value));
                    if (!replication.enabled()) {
                        result.complete(stored);
                        return;
                    }
                    List<AsyncCommand<byte[], byte[], Long>> waits = replication.dispatchAfter(List.of(writer));
                    deadline.whenAllComplete(waits, () -> {
                        RuntimeException unconfirmed = failures.unconfirmed(waits, what);
                        if (unconfirmed != null) {
                            result.completeExceptionally(unconfirmed);
                        } else {
                            result.complete(stored);
                        }
                    });
                } else {
                    result.completeExceptionally(new VersionConflictException(message.topic(), expected,
                            Long.parseLong(value)));
                }
                return;
            }
            switch (RedisErrors.outcome(failure)) {
                case NOT_APPLIED_TRANSIENT:
                    if (RedisErrors.isRedirect(failure)) {
                        replication.refreshTopology();
                    }
                    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) - deadlineNanos < 0) {
                        try {
                            scheduler.schedule(() -> append(message, expected, band, streams, envelope, result,
                                    deadlineNanos, Math.min(pauseMillis * 2, RedisPublisher.MAX_PAUSE_MILLIS)),
                                    pauseMillis, TimeUnit.MILLISECONDS);
                            return;
                        } catch (RejectedExecutionException e) {
                            // fall through: the client is shutting down
                        }
                    }
                    result.completeExceptionally(errors.translate(failure, what));
                    break;
                case UNKNOWN:
                    result.completeExceptionally(failures.unknownOutcome(failure, what));
                    break;
                default:
                    result.completeExceptionally(errors.translate(failure, what));
            }
        });
    }
}

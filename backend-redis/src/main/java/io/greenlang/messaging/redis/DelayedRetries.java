package io.greenlang.messaging.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries after a backoff, through the group's delay set: a failed entry goes to the sorted set, scored by the time
 * it is due (script {@link Script#RETRY}, which also acknowledges it), and the due ones are moved from there to the
 * group's retry stream (script {@link Script#MOVE_DUE}), at most every {@value #MOVE_INTERVAL_MILLIS} ms, where
 * every member reads them. Times are the client's clock (epoch ms), so that an ACL user needs no server commands.
 *
 * <p>A member of the set is {@code attempt|first failure|original position|envelope} ({@link #member}), the fields
 * the move script writes to the retry stream. {@link #schedule} may be called from any thread; {@link #moveDueIfTime}
 * from the poller only.
 */
final class DelayedRetries {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedRetries.class);
    static final long MOVE_INTERVAL_MILLIS = 20;
    private static final long MOVE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(MOVE_INTERVAL_MILLIS);
    private static final int MOVE_BATCH = 512;
    private static final byte[] MOVE_BATCH_ARG = Fields.bytes(Integer.toString(MOVE_BATCH));

    private final RedisBroker broker;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final GroupMembership member;
    private final Settlements settlements;
    private long nextMoveNanos;

    DelayedRetries(RedisBroker broker, GroupMembership member, Settlements settlements) {
        this.broker = broker;
        this.commands = broker.commands();
        this.member = member;
        this.settlements = settlements;
    }

    /**
     * Schedules the entry's next attempt no sooner than {@code delay} from now, and acknowledges it, through the
     * settlements (sent at once, without waiting).
     *
     * @param nextAttempt the attempt number of its next hand-over
     */
    void schedule(Handle h, int nextAttempt, Duration delay, Instant firstFailure) {
        byte[] memberBytes = member(nextAttempt, firstFailure, h.position.value(), h.envelope);
        byte[] due = Fields.bytes(Long.toString(System.currentTimeMillis() + Math.max(0, delay.toMillis())));
        settlements.send("schedule a retry of entry " + h.id, () -> Script.RETRY.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {member.stream(h.stream), member.delayKey()}, member.group(), member.consumer(),
                Fields.bytes(h.id), due, memberBytes, Settlements.deleteFlag(h)));
    }

    /** A member of the delay set: {@code attempt|first failure (empty if none)|position|envelope}. */
    static byte[] member(int attempt, Instant firstFailure, String position, byte[] envelope) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(envelope.length + 64);
        out.writeBytes(Fields.bytes(attempt + "|" + (firstFailure == null ? "" : Fields.instant(firstFailure)) + "|"
                + position + "|"));
        out.writeBytes(envelope);
        return out.toByteArray();
    }

    /** Moves the due retries if the last move was at least {@value #MOVE_INTERVAL_MILLIS} ms ago. */
    void moveDueIfTime() {
        if (System.nanoTime() - nextMoveNanos >= 0) {
            moveDue();
            nextMoveNanos = System.nanoTime() + MOVE_INTERVAL_NANOS;
        }
    }

    /** Fires the script that moves due retries to the retry stream; a refusal is logged, not thrown. */
    private void moveDue() {
        Script.MOVE_DUE.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {member.delayKey(), member.stream(GroupMembership.RETRY)}, MOVE_BATCH_ARG,
                broker.minIdArgument(), Fields.bytes(Long.toString(System.currentTimeMillis())))
                .whenComplete((moved, e) -> {
                    if (e != null && !RedisErrors.isConnectionProblem(e)) {
                        LOG.warn("Moving due retries of {}/{} failed: {}", member.topic(), member.groupName(),
                                broker.errors().translate(e, "move due retries").getMessage());
                    }
                });
    }
}

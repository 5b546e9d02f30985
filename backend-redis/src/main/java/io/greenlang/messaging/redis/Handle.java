package io.greenlang.messaging.redis;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.priority.PriorityBands;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An entry a member ({@link RedisConsumerSource}) fetched: where it is, what it holds, and whether it has been
 * settled. Its stream is an index of {@link GroupMembership}. Shared by the member's parts and threads: the
 * settlement flag and the hand-over times are safe to change from any thread.
 */
final class Handle {
    final int stream;
    final String id;
    final byte[] envelope;
    final Message message;
    final byte[] raw;
    final String decodeError;
    final int attempt;
    final Position position;
    final Instant firstFailure;
    final String key;
    /** The time (ms) of its original entry, for the fairness rule's "oldest". */
    final long age;
    /** Its delivery count in the group's pending list when fetched: 1 plus its earlier hand-overs. */
    final long deliveries;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile long fetchedNanos = System.nanoTime();
    /** When it was handed to a handler ({@link System#nanoTime()}), or 0. */
    volatile long startedNanos;
    /** Whether the hand-over was written to Redis ({@link Script#MARK}). */
    volatile boolean marked;

    Handle(int stream, String id, byte[] envelope, Message message, byte[] raw, String decodeError, int attempt,
            Position position, Instant firstFailure, long deliveries) {
        this.stream = stream;
        this.id = id;
        this.envelope = envelope;
        this.message = message;
        this.raw = raw;
        this.decodeError = decodeError;
        this.attempt = attempt;
        this.position = position;
        this.firstFailure = firstFailure;
        this.deliveries = deliveries;
        this.key = stream + ":" + id;
        this.age = ageOf(position, id);
    }

    /** The band it is served from: its message's, or its stream's. */
    int band() {
        if (message != null) {
            return PriorityBands.of(message.priority());
        }
        return stream == GroupMembership.RETRY ? 0 : stream;
    }

    private static long ageOf(Position position, String id) {
        String v = position.value();
        long millis = Positions.leadingMillis(v, v.indexOf(':') + 1); // band:ms-seq
        return millis >= 0 ? millis : Positions.leadingMillis(id, 0);
    }

    @Override
    public String toString() {
        return "Handle{" + key + ", attempt " + attempt + "}";
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Turns the stream entries a member fetched (read, re-read or claimed) into {@link Handle}s: the message decoded
 * from field {@code m}, or the reason it cannot be; the position of its original entry; its attempt. The fields are
 * those of {@link Fields}. Stateless apart from its constructor's arguments; thread-safe if they are.
 */
final class EntryDecoder {
    private final String topic;
    private final IntFunction<byte[]> streams;
    private final Consumer<Handle> acknowledge;

    /**
     * @param topic the topic, for decoding and messages
     * @param streams the key of each stream index, for messages
     * @param acknowledge where entries deleted (trimmed) while pending go, to be acknowledged away
     */
    EntryDecoder(String topic, IntFunction<byte[]> streams, Consumer<Handle> acknowledge) {
        this.topic = topic;
        this.streams = streams;
        this.acknowledge = acknowledge;
    }

    /**
     * Turns an entry into a handle; {@code null} for an entry that was deleted (trimmed) while pending, which is
     * acknowledged instead.
     *
     * <p>The attempt is the entry's base attempt (1, or field {@code a} of a retry entry) plus its hand-overs so far.
     *
     * @param deliveries its delivery count in the group's pending list: 1 plus its hand-overs so far
     */
    Handle decode(int stream, StreamMessage<byte[], byte[]> m, long deliveries) {
        Map<byte[], byte[]> body = m.getBody();
        if (body == null || body.isEmpty()) {
            acknowledge.accept(new Handle(stream, m.getId(), null, null, null, null, 1, Positions.of(0, "0-0"), null,
                    1));
            return null;
        }
        byte[] envelope = Fields.get(body, Fields.MESSAGE);
        int base = 1;
        Position position;
        Instant firstFailure = null;
        String problem = null;
        if (stream == GroupMembership.RETRY) {
            String p = Fields.getString(body, Fields.POSITION);
            position = p == null || p.isEmpty() ? new Position("retry:" + m.getId()) : new Position(p);
            try {
                String a = Fields.getString(body, Fields.ATTEMPT);
                base = a == null ? 1 : Math.max(1, Integer.parseInt(a));
                String f = Fields.getString(body, Fields.FIRST_FAILURE);
                firstFailure = f == null || f.isEmpty() ? null : Fields.instant(f);
            } catch (RuntimeException e) {
                problem = "retry entry " + m.getId() + " of " + Keys.string(streams.apply(stream))
                        + " has an invalid attempt or first-failure field: " + e.getMessage();
            }
        } else {
            position = Positions.of(stream, m.getId());
        }
        int attempt = (int) Math.min(Integer.MAX_VALUE, base + deliveries - 1);
        Message message = null;
        byte[] raw = envelope;
        if (envelope == null) {
            raw = Fields.dump(body);
            problem = "stream entry " + m.getId() + " of " + Keys.string(streams.apply(stream)) + " has no field 'm' "
                    + "(its fields: " + Fields.names(body) + "); it was not written by GreenLang Messaging";
        } else if (problem == null) {
            try {
                message = WireFormat.decode(envelope, topic);
            } catch (PayloadDecodingException e) {
                problem = "stream entry " + m.getId() + " of " + Keys.string(streams.apply(stream)) + ": "
                        + e.getMessage();
            }
        }
        return new Handle(stream, m.getId(), envelope != null ? envelope : raw, message, raw,
                message == null ? problem : null, attempt, position, firstFailure, deliveries);
    }
}

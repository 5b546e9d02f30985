package io.greenlang.messaging.patterns;

import java.time.Instant;
import java.util.Objects;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;

/**
 * An event read back from a stream, with its version (1 for the first event) and position. Immutable and
 * thread-safe.
 */
public final class StoredEvent {
    private final String stream;
    private final long version;
    private final Position position;
    private final Message message;
    private final Codec codec;

    StoredEvent(String stream, long version, Position position, Message message, Codec codec) {
        this.stream = stream;
        this.version = version;
        this.position = position;
        this.message = message;
        this.codec = codec;
    }

    public String stream() {
        return stream;
    }

    /** The stream's version with this event: 1 for the first. */
    public long version() {
        return version;
    }

    public Position position() {
        return position;
    }

    /** Where a replay continues after this event. */
    public Checkpoint checkpoint() {
        return new Checkpoint(position, version);
    }

    /** The event's type: {@link EventStore#TYPE_HEADER}, by default the simple class name of the appended object. */
    public String type() {
        return message.header(EventStore.TYPE_HEADER).orElse("");
    }

    /** The event's id (the message id). */
    public String id() {
        return message.id();
    }

    /** When the event was appended (created). */
    public Instant recordedAt() {
        return message.createdAt();
    }

    /** The message that carries the event. */
    public Message message() {
        return message;
    }

    /**
     * The event decoded as a {@code type} with the broker's codec.
     *
     * @throws io.greenlang.messaging.PayloadDecodingException if it cannot be decoded
     */
    public <T> T body(Class<T> type) {
        return Payloads.decode(message, type, codec);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredEvent && ((StoredEvent) o).version == version
                && ((StoredEvent) o).message.equals(message) && ((StoredEvent) o).stream.equals(stream);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, version, message.id());
    }

    @Override
    public String toString() {
        return "StoredEvent{stream=" + stream + ", version=" + version + ", type=" + type() + ", id=" + message.id() + "}";
    }
}

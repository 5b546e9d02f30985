package io.greenlang.messaging.spi.runtime;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import java.time.Instant;
import java.util.Objects;

/**
 * A record a {@link ConsumerSource} fetched: a decoded message, or the raw bytes of one it could not decode,
 * with its position, its attempt number and the backend's own handle for settling it. Immutable.
 */
public final class InboundMessage {
    private final Message message;
    private final byte[] raw;
    private final String decodeError;
    private final Position position;
    private final int attempt;
    private final Instant firstFailure;
    private final Object handle;

    private InboundMessage(Message message, byte[] raw, String decodeError, Position position, int attempt,
            Instant firstFailure, Object handle) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
        }
        this.message = message;
        this.raw = raw;
        this.decodeError = decodeError;
        this.position = Objects.requireNonNull(position, "position");
        this.attempt = attempt;
        this.firstFailure = firstFailure;
        this.handle = handle;
    }

    /**
     * A decoded message.
     *
     * @param firstFailure when an earlier attempt first failed, or {@code null} if none did
     * @param handle whatever the backend needs to settle it; passed back unchanged
     */
    public static InboundMessage of(Message message, Position position, int attempt, Instant firstFailure,
            Object handle) {
        return new InboundMessage(Objects.requireNonNull(message, "message"), null, null, position, attempt,
                firstFailure, handle);
    }

    /** A record that could not be decoded; the runtime dead-letters it with reason UNDECODABLE. */
    public static InboundMessage undecodable(byte[] raw, String error, Position position, int attempt, Object handle) {
        return new InboundMessage(null, Objects.requireNonNull(raw, "raw"), Objects.requireNonNull(error, "error"),
                position, attempt, null, handle);
    }

    public boolean isDecoded() {
        return message != null;
    }

    /**
     * The message.
     *
     * @throws IllegalStateException for an undecodable record
     */
    public Message message() {
        if (message == null) {
            throw new IllegalStateException("record at " + position + " could not be decoded: " + decodeError);
        }
        return message;
    }

    /** The raw bytes of an undecodable record; empty for a decoded one. */
    public byte[] raw() {
        return raw == null ? new byte[0] : raw.clone();
    }

    /** Why the record could not be decoded; {@code null} for a decoded one. */
    public String decodeError() {
        return decodeError;
    }

    public Position position() {
        return position;
    }

    public int attempt() {
        return attempt;
    }

    /** When an earlier attempt first failed; {@code null} if none did. */
    public Instant firstFailure() {
        return firstFailure;
    }

    /** The backend's handle; may be {@code null} if the backend needs none. */
    public Object handle() {
        return handle;
    }

    @Override
    public String toString() {
        return "InboundMessage{" + (message != null ? message.id() : "undecodable") + " at " + position
                + ", attempt " + attempt + "}";
    }
}

package io.greenlang.messaging.patterns;

import java.util.Objects;
import java.util.OptionalLong;

import io.greenlang.messaging.Position;

/**
 * An event the broker stored.
 *
 * @param version the stream's version after the append, known for appends with an expected version; an
 *     unconditional append does not learn it
 */
public record AppendResult(String stream, String eventId, Position position, OptionalLong version) {
    public AppendResult {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(version, "version");
    }
}

package io.greenlang.messaging.patterns;

import java.util.Objects;

import io.greenlang.messaging.Position;

/**
 * A place in an event stream: the position of an event in its topic and the stream's version there (the
 * number of events up to and including it). {@link #START} is before the first event.
 */
public record Checkpoint(Position position, long version) {
    /** Before the first event: version 0. */
    public static final Checkpoint START = new Checkpoint(Position.beginning(), 0);

    /**
     * @throws IllegalArgumentException if {@code version} is negative
     */
    public Checkpoint {
        Objects.requireNonNull(position, "position");
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, was " + version);
        }
    }
}

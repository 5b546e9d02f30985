package io.greenlang.messaging;

import java.util.Objects;

/**
 * Where a message sits in its topic's log: a stream entry id, partition offsets, or an index. Opaque
 * outside its backend, but stable: a position read earlier can be passed to
 * {@link Broker#read(String, Position, int)} to continue after it.
 */
public record Position(String value) {
    private static final Position BEGINNING = new Position("^");

    public Position {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a position must not be empty");
        }
    }

    /** The position before the first retained message. */
    public static Position beginning() {
        return BEGINNING;
    }

    public boolean isBeginning() {
        return this.equals(BEGINNING);
    }

    @Override
    public String toString() {
        return value;
    }
}

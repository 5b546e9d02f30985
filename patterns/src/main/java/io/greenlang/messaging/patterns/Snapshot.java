package io.greenlang.messaging.patterns;

import java.util.Objects;

/**
 * State rebuilt from an event stream up to a checkpoint: pass it back to
 * {@link EventStore#rebuild(String, Snapshot, java.util.function.BiFunction)} to continue from there, and use
 * {@link #version()} as the expected version of the next append.
 *
 * @param <S> the state's type; immutable state makes snapshots safe to share
 */
public record Snapshot<S>(S state, Checkpoint checkpoint) {
    public Snapshot {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** {@code state} before any event. */
    public static <S> Snapshot<S> initial(S state) {
        return new Snapshot<>(state, Checkpoint.START);
    }

    /** How many events the state includes. */
    public long version() {
        return checkpoint.version();
    }
}

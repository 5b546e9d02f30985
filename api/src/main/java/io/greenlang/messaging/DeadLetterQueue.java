package io.greenlang.messaging;

import java.util.List;

/**
 * The dead letters of one topic and group. Operations block until the broker answers and are safe from
 * any thread.
 */
public interface DeadLetterQueue {
    String topic();

    String group();

    long count();

    /** Up to {@code max} dead letters, oldest first. */
    List<DeadLetter> list(int max);

    /**
     * Sends one dead letter back to its group, and only to that group, as a fresh delivery (attempt 1), and
     * removes it from the queue.
     *
     * @return whether a dead letter with that id was there
     */
    boolean replay(String deadLetterId);

    /** Replays up to {@code max} dead letters, oldest first; returns how many. */
    int replay(int max);

    /** Removes every dead letter; returns how many. */
    long purge();
}

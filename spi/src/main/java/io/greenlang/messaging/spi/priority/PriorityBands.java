package io.greenlang.messaging.spi.priority;

import io.greenlang.messaging.Message;

/**
 * The ten priorities in three bands, served as equals within a band: band {@value #LOW} holds priorities 0 to 3,
 * band {@value #DEFAULT} 4 to 6 (the default priority, 4, included) and band {@value #HIGH} 7 to 9.
 *
 * <p>Backends name their storage after these numbers (Redis streams {@code b0} to {@code b2}, Kafka topics for bands
 * 0 and 2 beside the topic itself for band 1), so the mapping is part of what they have stored: changing it would
 * strand messages already published. Stateless.
 */
public final class PriorityBands {
    /** The number of bands. */
    public static final int COUNT = 3;
    /** The band of priorities 0 to 3. */
    public static final int LOW = 0;
    /** The band of priorities 4 to 6, where messages of the default priority go. */
    public static final int DEFAULT = 1;
    /** The band of priorities 7 to 9. */
    public static final int HIGH = 2;

    private PriorityBands() {
    }

    /**
     * The band of {@code priority}.
     *
     * @throws IllegalArgumentException if {@code priority} is not from {@value Message#MIN_PRIORITY} to
     *     {@value Message#MAX_PRIORITY}
     */
    public static int of(int priority) {
        if (priority < Message.MIN_PRIORITY || priority > Message.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be from " + Message.MIN_PRIORITY + " to "
                    + Message.MAX_PRIORITY + ", was " + priority);
        }
        return priority <= 3 ? LOW : priority <= 6 ? DEFAULT : HIGH;
    }
}

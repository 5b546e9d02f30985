package io.greenlang.messaging.spi.priority;

/**
 * Chooses the band to serve next. The highest band with a message waiting goes first; but after
 * {@value #FAIRNESS_INTERVAL} - 1 hand-outs in a row from it while a lower band waits, the next goes to the lower
 * band whose next message is the oldest. So while lower priorities wait, at least one hand-out in every
 * {@value #FAIRNESS_INTERVAL} serves them, and none starves. The count of hand-outs in a row starts again whenever no
 * lower band waits.
 *
 * <p>A backend asks {@link #next} once per message it hands out, in the order it hands them out, and takes the next
 * message of the band it is told. A backend that fetches from the broker by band bounds each fetch with
 * {@link #mostServed}, so that it holds no more of a band than the next hand-outs can take from it.
 *
 * <p>Not thread-safe: the scheduler of a member (or of a group, where members share one) is used under that owner's
 * lock.
 */
public final class BandScheduler {
    /** While a lower band waits, at least one hand-out in this many serves it. */
    public static final int FAIRNESS_INTERVAL = 10;

    /** What a choice needs to know about the bands at that moment. */
    public interface Bands {
        /** Whether {@code band} has a message to hand out (or one the backend would fetch before handing out more). */
        boolean isWaiting(int band);

        /**
         * Negative if the next message of waiting band {@code a} is older than that of waiting band {@code b} (it was
         * published first), positive if it is younger, zero if neither is known to be older.
         */
        int compareOldest(int a, int b);
    }

    private final int bandCount;
    private int servedHigherInARow;
    /** What {@link #served} sets the count to: computed by the last {@link #peek}; -1 when no peek is pending. */
    private int inARowAfterPeek = -1;

    /** A scheduler for the {@value PriorityBands#COUNT} bands of {@link PriorityBands}. */
    public BandScheduler() {
        this(PriorityBands.COUNT);
    }

    /**
     * A scheduler for bands 0 (lowest) to {@code bandCount - 1} (highest).
     *
     * @throws IllegalArgumentException if {@code bandCount} is less than 1
     */
    public BandScheduler(int bandCount) {
        if (bandCount < 1) {
            throw new IllegalArgumentException("bandCount must be at least 1, was " + bandCount);
        }
        this.bandCount = bandCount;
    }

    /** Chooses the band to serve next and counts the hand-out; -1 (counting nothing) if no band waits. */
    public int next(Bands bands) {
        return choose(bands, true);
    }

    /** The band {@link #next} would choose now, without counting a hand-out; -1 if no band waits. */
    public int peek(Bands bands) {
        return choose(bands, false);
    }

    /**
     * Counts a hand-out from the band the last {@link #peek} chose, as {@link #next} would, without choosing again:
     * for a backend that peeks to see whether it may take the message, then takes it. The bands must not have
     * changed since that peek.
     *
     * @throws IllegalStateException if no peek that chose a band came before, or it was counted already
     */
    public void served() {
        if (inARowAfterPeek < 0) {
            throw new IllegalStateException("served() counts the hand-out of the last peek(), but no peek chose a band "
                    + "since the last count");
        }
        servedHigherInARow = inARowAfterPeek;
        inARowAfterPeek = -1;
    }

    private int choose(Bands bands, boolean count) {
        int high = bandCount - 1;
        while (high >= 0 && !bands.isWaiting(high)) {
            high--;
        }
        if (high < 0) {
            inARowAfterPeek = -1;
            return -1;
        }
        int oldestLower = -1;
        for (int b = high - 1; b >= 0; b--) {
            if (bands.isWaiting(b) && (oldestLower < 0 || bands.compareOldest(b, oldestLower) < 0)) {
                oldestLower = b;
            }
        }
        int chosen;
        int inARow;
        if (oldestLower < 0) {
            chosen = high;
            inARow = 0;
        } else if (servedHigherInARow >= FAIRNESS_INTERVAL - 1) {
            chosen = oldestLower;
            inARow = 0;
        } else {
            chosen = high;
            inARow = servedHigherInARow + 1;
        }
        if (count) {
            servedHigherInARow = inARow;
            inARowAfterPeek = -1;
        } else {
            inARowAfterPeek = inARow;
        }
        return chosen;
    }

    /**
     * The most of the next {@code handOuts} hand-outs that can go to lower bands while the highest waiting band
     * keeps messages: the fairness turns among them.
     *
     * @throws IllegalArgumentException if {@code handOuts} is negative
     */
    public int fairnessTurns(int handOuts) {
        requireNonNegative(handOuts, "handOuts");
        int untilFirst = FAIRNESS_INTERVAL - servedHigherInARow; // the first turn is this hand-out (1-based)
        return handOuts < untilFirst ? 0 : 1 + (handOuts - untilFirst) / FAIRNESS_INTERVAL;
    }

    /**
     * The most of the next {@code handOuts} hand-outs that can go to one band, when {@code waitingAbove} messages wait
     * in the bands above it ({@link Long#MAX_VALUE} when the bands above may hold more than can be counted): all of
     * them for the highest band, the fairness turns while the bands above keep messages, and everything after they
     * run out. A backend that fetches a band's messages ahead of handing them out fetches at most this many, less
     * what it holds already, to keep the scheduler's order without holding messages the next hand-outs cannot take.
     *
     * @throws IllegalArgumentException if an argument is negative
     */
    public int mostServed(int handOuts, long waitingAbove) {
        requireNonNegative(handOuts, "handOuts");
        if (waitingAbove < 0) {
            throw new IllegalArgumentException("waitingAbove must not be negative, was " + waitingAbove);
        }
        // every hand-out but a fairness turn goes above while the bands above have messages
        long above = Math.min(waitingAbove, handOuts - fairnessTurns(handOuts));
        return (int) (handOuts - above);
    }

    private static void requireNonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    @Override
    public String toString() {
        return "BandScheduler{bands=" + bandCount + ", servedHigherInARow=" + servedHigherInARow + "}";
    }
}

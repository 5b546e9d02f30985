package io.greenlang.messaging.spi.runtime;

/**
 * The one rule for attempt numbers, kept by every backend: {@link io.greenlang.messaging.Delivery#attempt()} counts
 * hand-overs to a handler. A record leaves a member without a settlement when its lease runs out, when the member
 * dies, or when the member releases it; its next delivery has the attempt raised only if the member had handed it
 * to a handler ({@link ConsumerSource#handedOver}). A record fetched ahead and never started keeps its attempt,
 * so a member with a large in-flight window that dies costs only the messages its handlers were running one
 * attempt each.
 */
public final class HandOvers {
    private HandOvers() {
    }

    /**
     * The attempt of a record's next delivery after it left a member unsettled.
     *
     * @param attempt the attempt it had at that member
     * @param handedOver whether that member had handed it to a handler
     */
    public static int next(int attempt, boolean handedOver) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
        }
        return handedOver && attempt < Integer.MAX_VALUE ? attempt + 1 : attempt;
    }
}

package io.greenlang.messaging;

/**
 * The broker's counters since it was created, for all topics and groups together: the same figures as its
 * Micrometer meters, available without Micrometer.
 *
 * @param published messages the broker confirmed stored
 * @param delivered handler invocations, retries included
 * @param acked messages acknowledged
 * @param retried failures that were scheduled for another attempt
 * @param deadLettered messages moved to a dead-letter queue, for whatever reason
 * @param expired messages found past their expiry instead of being delivered
 * @param failed handler invocations that failed (threw or rejected the message)
 * @param publishLatency from a publish call to the broker's confirmation
 * @param endToEndLatency from a message's creation to the start of its handling
 */
public record MetricsSnapshot(long published, long delivered, long acked, long retried, long deadLettered,
        long expired, long failed, LatencySummary publishLatency, LatencySummary endToEndLatency) {
}

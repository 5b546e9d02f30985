package io.greenlang.messaging;

/** The parts of the contract a backend reports support for, in {@link Capabilities}. */
public enum Capability {
    /** Named groups of competing consumers, each group receiving every message. */
    CONSUMER_GROUPS,
    /** A batch publish costs one round trip. */
    BATCH_PUBLISH,
    /** Failed messages come back after a backoff, without blocking later messages. */
    RETRY_WITH_BACKOFF,
    /** Per topic and group dead-letter queues with count, list, replay and purge. */
    DEAD_LETTER_QUEUE,
    /** Messages past their expiry are never handed to a handler. */
    TIME_TO_LIVE,
    /** Higher priority first when a backlog exists, without starving lower priorities. */
    PRIORITY,
    /** Messages with one key handled in publish order when a subscription asks for it. */
    ORDERING_BY_KEY,
    /**
     * With ordering on, messages with one key are handled in publish order, one at a time, across all members of a
     * group, not only within each member.
     */
    ORDERING_BY_KEY_ACROSS_MEMBERS,
    /** Unacknowledged messages return to other members after the lease; handlers may extend it. */
    LEASES,
    /** A new group may start at the earliest retained message. */
    START_FROM_EARLIEST,
    /** A topic can be read from its start or from a position, without a group. */
    READ_FROM_POSITION,
    /** Appending only when the topic is at an expected version, for optimistic concurrency. */
    CONDITIONAL_APPEND,
    /** Backlog and pending counts per group. */
    LAG,
    /** A round-trip health check. */
    HEALTH
}

package io.greenlang.messaging;

import java.util.Objects;

/**
 * How far a group is behind on a topic.
 *
 * @param backlog messages published but not yet handed to any member of the group, retries waiting for
 *     their backoff included
 * @param pending messages handed to a member and not yet acknowledged or dead-lettered
 * @param groupExists whether the group exists on the topic (a member has joined it once); a group that does not
 *     exist has nothing to do, so a misspelt name would otherwise look healthy
 */
public record ConsumerLag(String topic, String group, long backlog, long pending, boolean groupExists) {
    public ConsumerLag {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        if (backlog < 0 || pending < 0) {
            throw new IllegalArgumentException("backlog and pending must not be negative, were " + backlog + " and "
                    + pending);
        }
        if (!groupExists && backlog + pending > 0) {
            throw new IllegalArgumentException("a group that does not exist has no backlog or pending messages");
        }
    }

    /** The lag of an existing group. */
    public ConsumerLag(String topic, String group, long backlog, long pending) {
        this(topic, group, backlog, pending, true);
    }

    /** The lag of a group that does not exist on the topic: nothing, and {@link #groupExists()} false. */
    public static ConsumerLag ofMissingGroup(String topic, String group) {
        return new ConsumerLag(topic, group, 0, 0, false);
    }

    /** Backlog plus pending: everything the group still has to finish. */
    public long total() {
        return backlog + pending;
    }
}

package io.greenlang.messaging;

import java.util.Objects;

/**
 * How far a group is behind on a topic.
 *
 * @param backlog messages published but not yet handed to any member of the group, retries waiting for
 *     their backoff included
 * @param pending messages handed to a member and not yet acknowledged or dead-lettered
 */
public record ConsumerLag(String topic, String group, long backlog, long pending) {
    public ConsumerLag {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
    }

    /** Backlog plus pending: everything the group still has to finish. */
    public long total() {
        return backlog + pending;
    }
}

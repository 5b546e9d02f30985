package io.greenlang.messaging;

/**
 * A conditional append found the topic at another version than expected: someone else appended first.
 * Read the new messages, decide again, and retry with the current version.
 */
public class VersionConflictException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final long expectedVersion;
    private final long actualVersion;

    public VersionConflictException(String topic, long expectedVersion, long actualVersion) {
        super("Topic '" + topic + "' is at version " + actualVersion + ", not the expected " + expectedVersion
                + ": another writer appended first. Read the new messages and retry with version " + actualVersion + ".");
        this.topic = topic;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public String topic() {
        return topic;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    /** The topic's version when the append was refused. */
    public long actualVersion() {
        return actualVersion;
    }
}

package io.greenlang.messaging.kafka;

import io.greenlang.messaging.Names;
import io.greenlang.messaging.spi.priority.PriorityBands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How GreenLang topics, groups and priorities map to Kafka topics and consumer groups.
 *
 * <ul>
 *   <li>Priority bands ({@link PriorityBands}: priorities 0 to 3 are band 0, 4 to 6 band 1, 7 to 9 band 2).
 *       Band 1 is the Kafka topic of the topic's own name, so plain Kafka clients see default-priority messages
 *       where they expect them; band 0 is {@code __gl.lo.<topic>} and band 2 {@code __gl.hi.<topic>}.</li>
 *   <li>Retries of one group: {@code __gl.retry.<length of topic>.<topic>.<group>}; dead letters of one group:
 *       {@code __gl.dlq.<length of topic>.<topic>.<group>}. The length makes the pair unambiguous.</li>
 *   <li>The Kafka consumer group of a GreenLang group on a topic is {@code <group>@<topic>}, so that one group
 *       name used on two topics gives two independent Kafka groups.</li>
 * </ul>
 *
 * <p>A derived name longer than Kafka's 249-character limit is replaced by {@code __gl.<kind>.h.<40 hex digits of
 * the SHA-256 of topic and group>}, so every topic and group name valid in {@link Names} works. User topic names
 * that start with {@code __gl.} are reserved and rejected before any I/O.
 *
 * <p>Stateless and thread-safe.
 */
final class TopicNames {
    /** The prefix of every topic this backend derives. */
    static final String RESERVED_PREFIX = "__gl.";
    private static final int MAX = Names.MAX_LENGTH;

    private TopicNames() {
    }

    /**
     * Checks that a user topic name (already valid in {@link Names}: the API validates names before they reach the
     * backend) is not in the reserved namespace.
     *
     * @throws IllegalArgumentException otherwise
     */
    static String requireUserTopic(String topic) {
        if (topic.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException("Invalid topic name '" + topic + "': names starting with '"
                    + RESERVED_PREFIX + "' are reserved for the Kafka backend's own topics (priority bands, retries, "
                    + "dead letters). Choose another name.");
        }
        return topic;
    }

    /** The Kafka topic that holds {@code band} of {@code topic}. */
    static String bandTopic(String topic, int band) {
        switch (band) {
            case PriorityBands.LOW:
                return derived("lo", topic);
            case PriorityBands.DEFAULT:
                return topic;
            case PriorityBands.HIGH:
                return derived("hi", topic);
            default:
                throw new IllegalArgumentException("band must be 0, 1 or 2, was " + band);
        }
    }

    /** The band topics of {@code topic}, band 0 first. */
    static List<String> bandTopics(String topic) {
        return List.of(bandTopic(topic, PriorityBands.LOW), bandTopic(topic, PriorityBands.DEFAULT),
                bandTopic(topic, PriorityBands.HIGH));
    }

    static String retryTopic(String topic, String group) {
        return derived("retry", topic, group);
    }

    static String deadLetterTopic(String topic, String group) {
        return derived("dlq", topic, group);
    }

    /** The Kafka consumer group id of {@code group} on {@code topic}. */
    static String groupId(String topic, String group) {
        return group + "@" + topic;
    }

    private static String derived(String kind, String topic) {
        String name = RESERVED_PREFIX + kind + "." + topic;
        return name.length() <= MAX ? name : RESERVED_PREFIX + kind + ".h." + hash(topic);
    }

    private static String derived(String kind, String topic, String group) {
        String name = RESERVED_PREFIX + kind + "." + topic.length() + "." + topic + "." + group;
        return name.length() <= MAX ? name : RESERVED_PREFIX + kind + ".h." + hash(topic + "\u0000" + group);
    }

    private static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package io.greenlang.messaging.redis;

import java.nio.charset.StandardCharsets;

/**
 * The key layout. Every key of topic {@code T} carries the hash tag <code>{T}</code>, so that in Redis Cluster
 * they all live in one slot and the scripts that touch several of them stay legal:
 * <ul>
 *   <li><code>P:{T}:b0</code>, <code>P:{T}:b1</code>, <code>P:{T}:b2</code>: the topic's log, one stream per
 *       priority band of {@link io.greenlang.messaging.spi.priority.PriorityBands} (priorities 0-3, 4-6 and 7-9);
 *       every group is a consumer group on each of them;</li>
 *   <li><code>P:{T}:retry:G</code>: a stream of group {@code G}'s due retries, released and replayed
 *       messages, read by {@code G} only;</li>
 *   <li><code>P:{T}:delay:G</code>: a sorted set of {@code G}'s retries waiting for their backoff, scored by
 *       the time (ms) they are due;</li>
 *   <li><code>P:{T}:dlq:G</code>: {@code G}'s dead-letter stream.</li>
 * </ul>
 * {@code P} is option {@code key-prefix} (default {@code glm}). Topic and group names cannot hold {@code :},
 * <code>{</code> or <code>}</code>, so keys never collide.
 */
final class Keys {
    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    byte[] band(String topic, int band) {
        return bytes(prefix + ":{" + topic + "}:b" + band);
    }

    byte[] retry(String topic, String group) {
        return bytes(prefix + ":{" + topic + "}:retry:" + group);
    }

    byte[] delay(String topic, String group) {
        return bytes(prefix + ":{" + topic + "}:delay:" + group);
    }

    byte[] deadLetters(String topic, String group) {
        return bytes(prefix + ":{" + topic + "}:dlq:" + group);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

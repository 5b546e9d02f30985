package io.greenlang.messaging.redis;

import io.greenlang.messaging.spi.priority.PriorityBands;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Who one member is in Redis, and its joining and leaving: the names of its topic, group and consumer, the keys of
 * the streams it reads (the band streams, then the group's retry stream at index {@link #RETRY}), of the group's
 * delay set and of its dead-letter stream. Immutable apart from what it asks of Redis.
 */
final class GroupMembership {
    /** Index of the group's retry stream among the member's streams; 0, 1 and 2 are the bands. */
    static final int RETRY = PriorityBands.COUNT;

    private final RedisBroker broker;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final String topic;
    private final String groupName;
    private final String consumerName;
    private final byte[] group;
    private final byte[] consumer;
    private final byte[][] streams = new byte[FetchBuffer.STREAMS][];
    private final byte[] delayKey;
    private final byte[] deadLetterKey;

    GroupMembership(RedisBroker broker, String topic, String groupName, String consumerName) {
        this.broker = broker;
        this.commands = broker.commands();
        this.topic = topic;
        this.groupName = groupName;
        this.consumerName = consumerName;
        this.group = Keys.bytes(groupName);
        this.consumer = Keys.bytes(consumerName);
        Keys keys = broker.keys();
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            streams[b] = keys.band(topic, b);
        }
        streams[RETRY] = keys.retry(topic, groupName);
        this.delayKey = keys.delay(topic, groupName);
        this.deadLetterKey = keys.deadLetters(topic, groupName);
    }

    String topic() {
        return topic;
    }

    String groupName() {
        return groupName;
    }

    String consumerName() {
        return consumerName;
    }

    byte[] group() {
        return group;
    }

    byte[] consumer() {
        return consumer;
    }

    /** The key of stream {@code index}: a band, or {@link #RETRY}. */
    byte[] stream(int index) {
        return streams[index];
    }

    /** The group's sorted set of retries waiting for their backoff. */
    byte[] delayKey() {
        return delayKey;
    }

    byte[] deadLetterKey() {
        return deadLetterKey;
    }

    /**
     * The index of the stream whose key Redis answered with.
     *
     * @throws IllegalStateException if it is none of this member's streams
     */
    int streamIndex(byte[] key) {
        for (int s = 0; s <= RETRY; s++) {
            if (streams[s] == key || Arrays.equals(streams[s], key)) {
                return s;
            }
        }
        throw new IllegalStateException("Redis answered with entries of an unexpected stream " + Keys.string(key));
    }

    /**
     * Creates the group on the band streams at {@code start} and on the retry stream at 0; existing ones stay.
     *
     * @throws io.greenlang.messaging.MessagingException if Redis cannot be reached or refuses
     */
    void join(String start) {
        broker.call("create group '" + groupName + "' on topic '" + topic + "'", () -> {
            List<CompletableFuture<String>> creates = new ArrayList<>();
            for (int s = 0; s <= RETRY; s++) {
                String id = s == RETRY ? "0" : start;
                creates.add(commands.xgroupCreate(XReadArgs.StreamOffset.from(streams[s], id), group,
                        XGroupCreateArgs.Builder.mkstream()).toCompletableFuture()
                        .exceptionally(e -> {
                            if (String.valueOf(RedisErrors.unwrap(e).getMessage()).startsWith("BUSYGROUP")) {
                                return "OK";
                            }
                            throw new CompletionException(RedisErrors.unwrap(e));
                        }));
            }
            return CompletableFuture.allOf(creates.toArray(new CompletableFuture<?>[0]));
        });
    }

    /**
     * Deletes the consumer from the group on every stream, only if it holds no pending entry on any (script
     * {@link Script#LEAVE}).
     *
     * @throws io.greenlang.messaging.MessagingException if Redis cannot be reached or refuses
     */
    void leave() {
        broker.call("leave group '" + groupName + "'", () -> Script.LEAVE.run(commands, ScriptOutputType.INTEGER,
                streams.clone(), group, consumer));
    }

    @Override
    public String toString() {
        return topic + "/" + groupName + "/" + consumerName;
    }
}

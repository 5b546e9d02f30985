package io.greenlang.messaging.redis;

import io.greenlang.messaging.ConsumerLag;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The lag of a group on a topic, from {@code XINFO GROUPS} on the topic's band streams and the group's retry stream,
 * and the size of the group's delay set. Thread-safe; blocks until Redis answers.
 */
final class GroupLag {
    private static final int LAG_COUNT_CAP = 100_000;

    private final Keys keys;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final RedisCalls calls;

    GroupLag(Keys keys, RedisClusterAsyncCommands<byte[], byte[]> commands, RedisCalls calls) {
        this.keys = keys;
        this.commands = commands;
        this.calls = calls;
    }

    /**
     * Backlog: the sum of {@code XINFO GROUPS} {@code lag} over the band streams and the group's retry stream,
     * plus the retries waiting in the delay set. Where Redis cannot tell the lag (after deletions inside the
     * unread range), the entries after the group's last delivered id are counted, up to 100 000 per stream.
     * Pending: the sum of {@code pending} over the same streams. A group on none of these streams is
     * {@link ConsumerLag#ofMissingGroup missing}.
     *
     * @throws io.greenlang.messaging.MessagingException if Redis fails or does not answer in time
     */
    ConsumerLag of(String topic, String group) {
        String what = "measure the lag of group '" + group + "' on topic '" + topic + "'";
        byte[][] streams = {keys.band(topic, 0), keys.band(topic, 1), keys.band(topic, 2), keys.retry(topic, group)};
        byte[] delayKey = keys.delay(topic, group);
        List<Object> replies = calls.call(what, () -> {
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (byte[] s : streams) {
                fs.add(commands.xinfoGroups(s).toCompletableFuture()
                        .exceptionally(e -> isNoSuchKey(e) ? List.of() : rethrow(e)));
            }
            fs.add(commands.zcard(delayKey).toCompletableFuture());
            return CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]))
                    .thenApply(v -> fs.stream().map(f -> (Object) f.join()).toList());
        });
        long backlog = 0;
        long pending = 0;
        boolean exists = false;
        for (int i = 0; i < streams.length; i++) {
            @SuppressWarnings("unchecked")
            List<Object> reply = (List<Object>) replies.get(i);
            Map<String, Object> info = groupInfo(reply, group);
            if (info == null) {
                continue;
            }
            exists = true;
            pending += asLong(info.get("pending"));
            Object lag = info.get("lag");
            if (lag instanceof Long) {
                backlog += (Long) lag;
            } else {
                Object last = info.get("last-delivered-id");
                String lastId = last instanceof byte[] ? Keys.string((byte[]) last) : String.valueOf(last);
                byte[] stream = streams[i];
                backlog += calls.call(what, () -> commands.xrange(stream,
                        Range.from(Range.Boundary.excluding(lastId), Range.Boundary.unbounded()),
                        Limit.from(LAG_COUNT_CAP)).toCompletableFuture()).size();
            }
        }
        backlog += (Long) replies.get(streams.length);
        return exists ? new ConsumerLag(topic, group, backlog, pending) : ConsumerLag.ofMissingGroup(topic, group);
    }

    private static boolean isNoSuchKey(Throwable e) {
        return String.valueOf(RedisErrors.unwrap(e).getMessage()).contains("no such key");
    }

    private static <T> T rethrow(Throwable e) {
        Throwable t = RedisErrors.unwrap(e);
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        throw new IllegalStateException(t);
    }

    /** The fields of {@code group} in an {@code XINFO GROUPS} reply, or {@code null}. */
    static Map<String, Object> groupInfo(List<Object> reply, String group) {
        for (Object g : reply) {
            if (!(g instanceof List)) {
                continue;
            }
            List<?> fields = (List<?>) g;
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                Object k = fields.get(i);
                map.put(k instanceof byte[] ? Keys.string((byte[]) k) : String.valueOf(k), fields.get(i + 1));
            }
            Object name = map.get("name");
            String n = name instanceof byte[] ? Keys.string((byte[]) name) : String.valueOf(name);
            if (n.equals(group)) {
                return map;
            }
        }
        return null;
    }

    private static long asLong(Object o) {
        if (o instanceof Long) {
            return (Long) o;
        }
        if (o instanceof byte[]) {
            return Long.parseLong(Keys.string((byte[]) o));
        }
        return o == null ? 0 : Long.parseLong(o.toString());
    }
}

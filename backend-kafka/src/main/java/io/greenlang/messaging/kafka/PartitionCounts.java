package io.greenlang.messaging.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.PartitionInfo;

/**
 * The partition counts of topics, from the producer's metadata, each cached for {@value #TTL_SECONDS} s so that
 * partitions added to a topic are used soon. Thread-safe.
 */
final class PartitionCounts {
    static final long TTL_SECONDS = 30;
    private static final long TTL_NANOS = Duration.ofSeconds(TTL_SECONDS).toNanos();

    private record Count(int count, long expiresNanos) {
    }

    private final Function<String, List<PartitionInfo>> partitionsFor;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    /** @param partitionsFor the partitions of a topic as the client knows them ({@code producer::partitionsFor}) */
    PartitionCounts(Function<String, List<PartitionInfo>> partitionsFor) {
        this.partitionsFor = partitionsFor;
    }

    /** The partition count of a topic, at least 1; the topic must exist. */
    int of(String topic) {
        return of(topic, true);
    }

    /**
     * As {@link #of(String)}; with {@code checkAge} false a cached count is taken however old, so that a caller on
     * a hot path can read the clock only now and then.
     */
    int of(String topic, boolean checkAge) {
        Count c = counts.get(topic);
        if (c != null && !checkAge) {
            return c.count();
        }
        long now = System.nanoTime();
        if (c != null && now - c.expiresNanos() < 0) {
            return c.count();
        }
        List<PartitionInfo> infos = partitionsFor.apply(topic);
        int n = infos == null || infos.isEmpty() ? 1 : infos.size();
        counts.put(topic, new Count(n, now + TTL_NANOS));
        return n;
    }
}

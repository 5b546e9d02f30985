package io.greenlang.messaging.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Paces fetching, once per turn of the fetcher: pauses a partition whose buffer is full and resumes it below half,
 * and reads the lag of empty band partitions while the {@link HandOutQueue}'s band hold after their assignment may
 * ask it. Fetcher thread only, as it touches the consumer.
 */
final class FetchFlowControl {
    /**
     * A partition is paused while this many of its records, or this many bytes of their values, wait to be handed
     * out, and resumed below half. Pausing stops the consumer's fetching ahead, so the half must outlast a fetch
     * round trip: with 2,000 records a partition drained at about 130k msg/s, paused half the time.
     */
    static final int MAX_BUFFERED_PER_PARTITION = 10_000;
    static final long MAX_BUFFERED_BYTES_PER_PARTITION = 16L * 1024 * 1024;
    /** Retry records kept in memory until due; beyond that the retry partitions pause. */
    static final int MAX_DELAYED = 10_000;
    static final long LAG_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long BAND_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(HandOutQueue.BAND_HOLD_MILLIS);

    private final KafkaConsumer<byte[], byte[]> consumer;

    FetchFlowControl(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Lags for the priority hold, and pausing partitions whose buffer is full. */
    void update(List<OwnedPartitions.Level> levels) {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        long now = System.nanoTime();
        for (OwnedPartitions.Level level : levels) {
            AssignedPartition p = level.part();
            if (wantsLag(p, level.size(), now)) {
                p.lagAskedNanos = now;
                try {
                    p.lag = consumer.currentLag(p.tp);
                } catch (IllegalStateException e) {
                    p.lag = OptionalLong.empty();
                }
            }
            if (!p.paused && isFull(p.retry, level.size(), level.bytes())) {
                pause.add(p.tp);
                p.paused = true;
            } else if (p.paused && isBelowHalf(p.retry, level.size(), level.bytes())) {
                resume.add(p.tp);
                p.paused = false;
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /**
     * Whether to read the partition's lag now: only the band hold reads it, of an empty band partition during its
     * hold after assignment. Reading it is a round trip to the consumer's network thread, too dear for every poll.
     */
    static boolean wantsLag(AssignedPartition p, int size, long nowNanos) {
        return !p.retry && size == 0 && nowNanos - p.assignedNanos < BAND_HOLD_NANOS
                && nowNanos - p.lagAskedNanos >= LAG_REFRESH_NANOS;
    }

    /** Whether a partition holding {@code size} records of {@code bytes} is to be paused. */
    static boolean isFull(boolean retry, int size, long bytes) {
        return size >= limit(retry) || bytes >= MAX_BUFFERED_BYTES_PER_PARTITION;
    }

    /** Whether a paused partition holding {@code size} records of {@code bytes} may be resumed. */
    static boolean isBelowHalf(boolean retry, int size, long bytes) {
        return size < limit(retry) / 2 && bytes < MAX_BUFFERED_BYTES_PER_PARTITION / 2;
    }

    private static int limit(boolean retry) {
        return retry ? MAX_DELAYED : MAX_BUFFERED_PER_PARTITION;
    }
}

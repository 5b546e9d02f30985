package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One run's topic or queue. Publishing is called from one thread; handlers from the consumers' threads.
 */
public interface BenchChannel extends AutoCloseable {
    /**
     * Sends one payload. May return before the broker confirmed it; {@link #awaitPublished} waits for that.
     * The array is not changed afterwards, so the target may keep it.
     */
    void publish(byte[] payload);

    /** Sends payloads in one call, in order; the list is not changed afterwards. */
    void publishBatch(List<byte[]> payloads);

    /**
     * Encodes a record and sends it, as {@link #publish}: a baseline encodes with Jackson, the library with its
     * own codec of the same name.
     */
    default void publishRecord(Reading reading, RecordCodec codec) {
        publish(codec.encode(reading));
    }

    /**
     * Waits until everything published so far is confirmed.
     *
     * @throws BenchmarkException if a publish failed or the confirmations took longer than {@code timeout}
     */
    void awaitPublished(Duration timeout);

    /**
     * Creates the consumers' group now, before anything is published, so that it keeps every message published
     * afterwards even where the broker caps or trims its log (a group created later sees only what is still
     * retained).
     */
    void createGroup();

    /**
     * Starts {@code consumers} consumers in one group that read the channel from its beginning; each message
     * goes to one of them, is passed to {@code handler} and then acknowledged.
     */
    Consumers consume(int consumers, PayloadHandler handler);

    /** As {@link #consume}, decoding each payload to its record before {@code handler} sees it. */
    default Consumers consumeRecords(int consumers, RecordCodec codec, Consumer<Reading> handler) {
        return consume(consumers, payload -> handler.accept(codec.decode(payload)));
    }

    /** Closes the channel and whatever connection it holds. */
    @Override
    void close();

    /** Running consumers; closing stops them. */
    interface Consumers extends AutoCloseable {
        @Override
        void close();
    }
}

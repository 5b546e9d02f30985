package io.greenlang.messaging.benchmarks;

/**
 * What moves payloads from a producer to consumers in a benchmark: the library on a broker URL, or a raw
 * baseline doing the same work without it. Every scenario opens its own fresh {@link BenchChannel}, so runs
 * never see each other's messages.
 */
public interface BenchTarget extends AutoCloseable {
    /** A short name for tables: {@code library} or {@code raw}. */
    String label();

    /** What is measured, such as {@code GreenLang Messaging on memory://}. */
    String description();

    /**
     * Opens a fresh channel (a topic, a queue) for one run.
     *
     * @param name a name for the run, unique within the benchmark ({@code [a-z0-9-]})
     * @param capacity how many messages the run will put in it at most, for targets that must size a buffer
     */
    BenchChannel open(String name, int capacity);

    /**
     * As {@link #open(String, int)}, for a typed scenario whose records travel in {@code codec} ({@code json},
     * {@code msgpack}); a baseline encodes them itself and opens the same channel.
     */
    default BenchChannel open(String name, int capacity, String codec) {
        return open(name, capacity);
    }

    /** Frees what the target holds; channels are closed already. */
    @Override
    void close();
}

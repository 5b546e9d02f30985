package io.greenlang.messaging.benchmarks;

/** Hears which run the benchmark is at, to show progress. Called from the benchmark's thread. */
@FunctionalInterface
public interface BenchProgress {
    /**
     * A run begins.
     *
     * @param step 1-based number of the run
     * @param steps how many runs there are in all
     * @param description what the run measures, such as {@code drain backlog, 2 consumers, 1 KiB: library}
     */
    void step(int step, int steps, String description);

    /** Progress that goes nowhere. */
    static BenchProgress none() {
        return (step, steps, description) -> { };
    }
}

package io.greenlang.messaging.benchmarks;

/**
 * What the runs of one benchmark share: its settings, the progress they report run by run, and the names of
 * their channels. Used from the benchmark's thread only.
 */
final class RunContext {
    private final BenchConfig config;
    private final BenchProgress progress;
    private int step;
    private int steps;
    private int channels;

    RunContext(BenchConfig config, BenchProgress progress) {
        this.config = config;
        this.progress = progress;
    }

    BenchConfig config() {
        return config;
    }

    /** Sets how many runs the progress counts to. */
    void plan(int steps) {
        this.steps = steps;
    }

    /** Counts one run more than planned: a warm-up that had to be repeated. */
    void addStep() {
        steps++;
    }

    /** Tells the progress that the next run begins; {@code phase} is empty for a measured run. */
    void announce(Scenario s, int size, BenchTarget target, String phase) {
        progress.step(++step, steps, describe(s, size, target) + (phase.isEmpty() ? "" : " (" + phase + ")"));
    }

    /** A name for a fresh channel, unique within the benchmark. */
    String channelName(Scenario s, int size, BenchTarget target) {
        return s.id() + "-" + size + "-" + target.label() + "-" + (++channels);
    }

    /** What a run measures, such as {@code drain backlog, 2 consumers, 1 KiB: library}. */
    static String describe(Scenario s, int size, BenchTarget target) {
        return s.title() + ", " + ReportTable.size(size) + ": " + target.label();
    }

    /** Requested before each run, outside the timing, so that one run's garbage does not land in the next. */
    static void collectGarbage() {
        System.gc();
    }
}

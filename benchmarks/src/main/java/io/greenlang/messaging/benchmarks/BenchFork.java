package io.greenlang.messaging.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The main class of a forked benchmark JVM (see {@link ForkedRuns}): {@code BenchFork SETTINGS ROWS} reads the
 * settings file (and deletes it: it holds the broker's credentials), measures the one target they choose, writes
 * its rows to {@code ROWS}, and reports progress on standard output, one line per run.
 */
public final class BenchFork {
    /** Starts each progress line on standard output; anything else there is passed through. */
    static final String PROGRESS = "glm-bench-progress\t";

    private BenchFork() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("Usage: BenchFork SETTINGS-FILE ROWS-FILE (started by the benchmark, not by hand)");
            System.exit(2);
        }
        Path settings = Path.of(args[0]);
        BenchConfig config;
        try {
            config = ForkProtocol.readConfig(settings);
        } finally {
            Files.deleteIfExists(settings);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        RunContext runs = new RunContext(config, (step, steps, what) -> out.println(PROGRESS + what));
        List<Row> rows;
        try (Targets targets = new Targets(config)) {
            TargetRuns measuring = new TargetRuns(runs);
            runs.plan(measuring.plannedRuns(targets.chosen()));
            rows = measuring.measure(targets.chosen());
        }
        ForkProtocol.writeRows(rows, Path.of(args[1]));
        System.exit(0); // threads a client left behind must not keep the fork alive
    }
}

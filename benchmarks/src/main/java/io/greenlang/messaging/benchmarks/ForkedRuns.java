package io.greenlang.messaging.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs each target in JVMs of its own, as JMH forks: {@link BenchConfig#forks()} rounds, each starting one JVM
 * per target in turn (the order reversed every other round), so that the library and a baseline never share a
 * JIT profile (one deoptimizing the other's code in Netty or the client) and a burst of load hits them alike. A
 * figure's runs are the forks' medians, in round order.
 */
final class ForkedRuns {
    private final BenchConfig config;
    private final BenchProgress progress;

    ForkedRuns(BenchConfig config, BenchProgress progress) {
        this.config = config;
        this.progress = progress;
    }

    List<Row> measure(List<String> labels) {
        Map<String, Row> first = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        int forks = config.forks() * labels.size();
        int started = 0;
        for (int round = 1; round <= config.forks(); round++) {
            List<String> order = new ArrayList<>(labels);
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (String label : order) {
                started++;
                for (Row row : fork(label, started, forks, label + ", round " + round + " of " + config.forks())) {
                    String key = row.scenario().id() + "/" + row.payloadBytes() + "/" + row.metric();
                    first.putIfAbsent(key, row);
                    row.figures().forEach((target, figure) -> values.computeIfAbsent(key, k -> new LinkedHashMap<>())
                            .computeIfAbsent(target, t -> new ArrayList<>()).add(figure.median()));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        first.forEach((key, row) -> {
            Map<String, Figure> figures = new LinkedHashMap<>();
            for (String label : labels) { // table order, whatever order the forks ran in
                List<Double> runs = values.get(key).get(label);
                if (runs != null) {
                    figures.put(label, new Figure(runs));
                }
            }
            rows.add(new Row(row.scenario(), row.payloadBytes(), row.metric(), row.unit(), row.higherIsBetter(),
                    figures));
        });
        return rows;
    }

    /** Runs one JVM measuring {@code label} and returns its rows. */
    private List<Row> fork(String label, int number, int forks, String what) {
        Path settings = null;
        Path rows = null;
        try {
            settings = Files.createTempFile("glm-bench-settings-", ".json"); // owner-only on POSIX
            rows = Files.createTempFile("glm-bench-rows-", ".json");
            BenchConfig child = BenchConfig.builder(config.broker())
                    .payloadSizes(config.payloadSizes())
                    .scenarios(config.scenarios())
                    .targets(List.of(label))
                    .messages(config.messages())
                    .batchSize(config.batchSize())
                    .repeat(config.repeat())
                    .warmup(config.warmup())
                    .rate(config.rate())
                    .latencyDuration(config.latencyDuration())
                    .latencyWarmup(config.latencyWarmup())
                    .heapMessages(config.heapMessages())
                    .heapSampleInterval(config.heapSampleInterval())
                    .maxInFlight(config.maxInFlight())
                    .baseline(config.baseline())
                    .timeout(config.timeout())
                    .build();
            ForkProtocol.writeConfig(child, settings);
            Process process = new ProcessBuilder(command(settings, rows))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(BenchFork.PROGRESS)) {
                        progress.step(number, forks, "JVM " + what + ": "
                                + line.substring(BenchFork.PROGRESS.length()));
                    } else {
                        System.out.println(line);
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new BenchmarkException("The JVM measuring " + label + " exited with status " + exit
                        + "; its error is printed above.");
            }
            return ForkProtocol.readRows(rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run a benchmark JVM for " + label + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("Interrupted while a benchmark JVM measured " + label, e);
        } finally {
            delete(settings);
            delete(rows);
        }
    }

    /** The same Java, class path and JVM options as this JVM's, less a flight recording or a debugger. */
    private static List<String> command(Path settings, Path rows) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-XX:StartFlightRecording") && !arg.startsWith("-agentlib:jdwp")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchFork.class.getName());
        command.add(settings.toString());
        command.add(rows.toString());
        return command;
    }

    private static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temporary file left behind is harmless
        }
    }
}

package io.greenlang.messaging.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The outcome of {@link Benchmark#run}: every {@link Measurement}, what was compared, and where.
 *
 * @param broker the library's broker URL, secrets masked
 * @param library what the library side is
 * @param baselines what each baseline that ran is, by label ({@code raw}, {@code raw+hash}, {@code peer}), in
 *     table order
 * @param startedAt when the benchmark began
 * @param elapsed how long it took
 * @param environment facts about the machine: cores, JVM, OS, maximum heap
 * @param settings the sizes used
 * @param measurements every figure, in run order
 * @param notes remarks for the reader, such as a missing baseline
 */
public record BenchReport(String broker, String library, Map<String, String> baselines, Instant startedAt, Duration elapsed,
        Map<String, String> environment, Map<String, String> settings, List<Measurement> measurements,
        List<String> notes) {
    public BenchReport {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(library, "library");
        baselines = Collections.unmodifiableMap(new LinkedHashMap<>(baselines));
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(elapsed, "elapsed");
        environment = Map.copyOf(environment);
        settings = Map.copyOf(settings);
        measurements = List.copyOf(measurements);
        notes = List.copyOf(notes);
    }

    /** The report as pretty-printed JSON: fields broker, library, baseline, startedAt, ..., results[]. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("broker", broker);
        root.put("library", library);
        root.put("baselines", baselines);
        root.put("startedAt", startedAt.toString());
        root.put("elapsedSeconds", round(elapsed.toMillis() / 1000.0));
        root.put("environment", new TreeMap<>(environment));
        root.put("settings", new TreeMap<>(settings));
        List<Map<String, Object>> results = new ArrayList<>();
        for (Measurement m : measurements) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("scenario", m.scenario().id());
            r.put("title", m.scenario().title());
            r.put("payloadBytes", m.payloadBytes());
            r.put("metric", m.metric());
            r.put("unit", m.unit());
            r.put("library", figure(m.library()));
            Map<String, Object> baselineFigures = new LinkedHashMap<>();
            Map<String, Object> ratios = new LinkedHashMap<>();
            m.baselines().forEach((label, figure) -> {
                baselineFigures.put(label, figure(figure));
                ratios.put(label, m.ratio(label).isPresent() ? ratio(m, label) : null);
            });
            r.put("baselines", baselineFigures);
            r.put("ratios", ratios);
            r.put("higherIsBetter", m.higherIsBetter());
            results.add(r);
        }
        root.put("results", results);
        root.put("notes", notes);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the report as JSON", e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}, creating its directory. */
    public void writeJson(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(file, toJson() + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the benchmark report to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The report as a table for a terminal: one line per measurement, with the ratio. */
    public String toTable() {
        return ReportTable.render(this);
    }

    private static Map<String, Object> figure(Figure f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("median", round(f.median()));
        out.put("runs", f.runs().stream().map(BenchReport::round).toList());
        return out;
    }

    private static Map<String, Object> ratio(Measurement m, String label) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("median", round(m.ratio(label).getAsDouble()));
        out.put("runs", m.ratioRuns(label).stream().map(BenchReport::round).toList());
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}

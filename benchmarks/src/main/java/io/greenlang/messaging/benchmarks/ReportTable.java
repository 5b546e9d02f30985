package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Renders a {@link BenchReport} as a plain-text table. */
final class ReportTable {
    private static final int TEXT_COLUMNS = 3;

    private ReportTable() {
    }

    static String render(BenchReport report) {
        List<String> labels = new ArrayList<>(report.baselines().keySet());
        List<String> header = new ArrayList<>(List.of("scenario", "payload", "metric", "library"));
        header.addAll(labels);
        labels.forEach(label -> header.add("library/" + label));
        List<String[]> rows = new ArrayList<>();
        rows.add(header.toArray(new String[0]));
        Scenario previous = null;
        int previousSize = -1;
        for (Measurement m : report.measurements()) {
            boolean sameGroup = m.scenario() == previous && m.payloadBytes() == previousSize;
            List<String> row = new ArrayList<>(List.of(
                    sameGroup ? "" : m.scenario().title(),
                    sameGroup ? "" : size(m.payloadBytes()),
                    m.metric() + " (" + m.unit() + ")",
                    number(m.library().median(), m.unit())));
            for (String label : labels) {
                row.add(m.baseline(label).map(f -> number(f.median(), m.unit())).orElse("-"));
            }
            for (String label : labels) {
                row.add(ratio(m, label));
            }
            rows.add(row.toArray(new String[0]));
            previous = m.scenario();
            previousSize = m.payloadBytes();
        }
        int[] width = new int[header.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Benchmark of ").append(report.library());
        if (report.baselines().isEmpty()) {
            sb.append(" (no baseline)\n");
        } else {
            sb.append(" against:\n");
            report.baselines().forEach((label, what) -> sb.append("  ").append(label).append(": ").append(what)
                    .append('\n'));
        }
        sb.append(report.environment().getOrDefault("summary", "")).append('\n');
        sb.append(report.settings().getOrDefault("summary", "")).append("\n\n");
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                line.append(i >= TEXT_COLUMNS ? pad + cell : cell + pad);
                if (i < row.length - 1) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w;
                }
                sb.append("-".repeat(total + 2 * (width.length - 1))).append('\n');
            }
        }
        if (!labels.isEmpty()) {
            sb.append('\n').append("library/baseline: for msg/s, the share of the baseline's speed the library reaches "
                    + "(higher is better); for us and MiB, how many times the baseline's figure the library needs (lower "
                    + "is better). Medians; in brackets the lowest and highest ratio of the runs, paired in run "
                    + "order.\n");
        }
        for (String note : report.notes()) {
            sb.append("Note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    /** {@code 0.80}, or {@code 0.80 (0.75-0.86)} when several runs give a spread. */
    private static String ratio(Measurement m, String label) {
        if (m.ratio(label).isEmpty()) {
            return "-";
        }
        String median = String.format(Locale.ROOT, "%.2f", m.ratio(label).getAsDouble());
        List<Double> runs = m.ratioRuns(label);
        if (runs.size() < 2) {
            return median;
        }
        return median + String.format(Locale.ROOT, " (%.2f-%.2f)", Collections.min(runs), Collections.max(runs));
    }

    static String size(int bytes) {
        if (bytes >= 1024 && bytes % 1024 == 0) {
            return bytes / 1024 + " KiB";
        }
        return bytes + " B";
    }

    /** A duration as whole seconds ({@code 2 s}) where it is one, else in milliseconds ({@code 500 ms}). */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String number(double v, String unit) {
        if (unit.equals("msg/s")) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,.1f", v);
    }
}

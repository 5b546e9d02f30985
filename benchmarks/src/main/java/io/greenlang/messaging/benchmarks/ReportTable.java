package io.greenlang.messaging.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a {@link BenchReport} as a plain-text table. */
final class ReportTable {
    private static final String[] HEADER = {"scenario", "payload", "metric", "library", "raw", "library/raw"};

    private ReportTable() {
    }

    static String render(BenchReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        Scenario previous = null;
        int previousSize = -1;
        for (Measurement m : report.measurements()) {
            boolean sameGroup = m.scenario() == previous && m.payloadBytes() == previousSize;
            rows.add(new String[] {
                sameGroup ? "" : m.scenario().title(),
                sameGroup ? "" : size(m.payloadBytes()),
                m.metric() + " (" + m.unit() + ")",
                number(m.library(), m.unit()),
                m.baseline().isPresent() ? number(m.baseline().getAsDouble(), m.unit()) : "-",
                m.ratio().isPresent() ? String.format(Locale.ROOT, "%.2f", m.ratio().getAsDouble()) : "-"
            });
            previous = m.scenario();
            previousSize = m.payloadBytes();
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Benchmark of ").append(report.library());
        sb.append(report.baseline().isEmpty() ? " (no raw baseline)" : " against " + report.baseline()).append('\n');
        sb.append(report.environment().getOrDefault("summary", "")).append('\n');
        sb.append(report.settings().getOrDefault("summary", "")).append("\n\n");
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 3;
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                line.append(numeric ? pad + cell : cell + pad);
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
        sb.append('\n').append("library/raw: for msg/s, the share of the raw speed the library reaches (higher is "
                + "better); for us and MiB, how many times the raw figure the library needs (lower is better).\n");
        for (String note : report.notes()) {
            sb.append("Note: ").append(note).append('\n');
        }
        return sb.toString();
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

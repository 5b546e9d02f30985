package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The facts a {@link BenchReport} records beside its figures: the machine the benchmark ran on, and the
 * settings it ran with. Each map has a {@code summary} entry, one line for the table.
 */
final class ReportFacts {
    private ReportFacts() {
    }

    /** The system load average of the last minute, or a negative value where the OS does not tell. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Cores, JVM, OS, maximum heap, and the load average before the benchmark and now. */
    static Map<String, String> environment(double loadBefore) {
        Runtime rt = Runtime.getRuntime();
        double loadAfter = loadAverage();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("loadAverageBefore", String.format(Locale.ROOT, "%.2f", loadBefore));
        env.put("loadAverageAfter", String.format(Locale.ROOT, "%.2f", loadAfter));
        env.put("cores", Integer.toString(rt.availableProcessors()));
        env.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("maxHeapMiB", Long.toString(rt.maxMemory() / (1024 * 1024)));
        env.put("summary", String.format(Locale.ROOT,
                "%d cores, %s %s, %s, max heap %,d MiB; load average %.2f before, %.2f after",
                rt.availableProcessors(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), rt.maxMemory() / (1024 * 1024),
                loadBefore, loadAfter));
        return env;
    }

    /** The sizes, rates and durations of {@code config}, and the broker's options with secrets masked. */
    static Map<String, String> settings(BenchConfig config) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("payloadSizes", config.payloadSizes().stream().map(String::valueOf).collect(Collectors.joining(",")));
        s.put("messages", Integer.toString(config.messages()));
        s.put("batchSize", Integer.toString(config.batchSize()));
        s.put("repeat", Integer.toString(config.repeat()));
        s.put("warmup", Boolean.toString(config.warmup()));
        s.put("rate", Integer.toString(config.rate()));
        s.put("latencyDuration", config.latencyDuration().toString());
        s.put("latencyWarmup", config.latencyWarmup().toString());
        s.put("heapMessages", Integer.toString(config.heapMessages()));
        s.put("maxInFlight", config.maxInFlight() == 0 ? "default" : Integer.toString(config.maxInFlight()));
        Map<String, String> options = new TreeMap<>();
        config.broker().options().forEach((k, v) -> options.put(k, BrokerConfig.isSecret(k) ? "***" : v));
        s.put("brokerOptions", options.toString());
        s.put("summary", String.format(Locale.ROOT,
                "%,d messages per throughput run (median of %d%s), batches of %d; latency at %,d msg/s for %s "
                        + "after %s warm-ups; heap with a %,d-message backlog",
                config.messages(), config.repeat(), config.warmup() ? ", after a warm-up run" : "",
                config.batchSize(), config.rate(), ReportTable.duration(config.latencyDuration()),
                ReportTable.duration(config.latencyWarmup()), config.heapMessages())
                + (options.isEmpty() ? "" : "; broker options " + options));
        return s;
    }
}

package io.greenlang.messaging.cli;

import io.greenlang.messaging.benchmarks.BenchConfig;
import io.greenlang.messaging.benchmarks.BenchReport;
import io.greenlang.messaging.benchmarks.Benchmark;
import io.greenlang.messaging.benchmarks.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glm bench}: throughput, latency and heap of a backend beside its raw-client baseline. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Measures throughput, latency and heap of a backend beside its raw-client and peer baselines.",
            "Measures a backend through the library and, in the same run, the baselines doing the same work: "
                    + "raw, the bare client (memory://: an ArrayBlockingQueue hand-off between threads; redis://: "
                    + "Lettuce XADD / XREADGROUP + XACK; kafka://: KafkaProducer / KafkaConsumer); raw+hash, the "
                    + "same plus a SHA-256 of each message (network backends); peer, what a team would use instead "
                    + "(Spring Data Redis streams, Spring Kafka). Each target runs in JVMs of its own (--forks). "
                    + "Scenarios, for each payload size:",
            "  publish        publish throughput, one message per call",
            "  publish-batch  publish throughput, --batch-size messages per call",
            "  drain-1        drain throughput of a pre-filled backlog (consume + ack), 1 consumer",
            "  drain-2        the same with 2 consumers in one group",
            "  end-to-end     publish, deliver and ack at once, as fast as possible",
            "  latency        end-to-end latency at --rate msg/s (HdrHistogram, corrected for coordinated omission)",
            "  heap           heap used while draining a backlog of --heap-messages messages",
            "  publish-json, publish-msgpack  publishing a record (about the payload size as JSON) through the "
                    + "codec; the baselines encode it with Jackson",
            "  drain-json, drain-msgpack      draining a backlog of records, decoding each to its type",
            "  chain          chained agents: a handler on A (concurrency 4) publishes to B and waits; the highest "
                    + "offered rate sustained and p99 there (the library only)",
            "Prints a table with the ratios library/baseline and their spread over the forks, and writes the "
                    + "figures as JSON (--output)."
        })
final class BenchCommand extends BaseCommand {
    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "Scenarios to run, comma-separated (default: all).")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--payload-sizes", split = ",", paramLabel = "BYTES", defaultValue = "100,1024",
            description = "Payload sizes in bytes (default ${DEFAULT-VALUE}).")
    List<Integer> payloadSizes;

    @Option(names = "--messages", paramLabel = "N", defaultValue = "1000000",
            description = "Messages per throughput run (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "100",
            description = "Messages per batch in publish-batch and when filling backlogs (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "Measured runs per throughput figure in each JVM; the median is reported (default "
                    + "${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "3",
            description = "JVMs per target, alternating between targets, each with its own warm-up; the table "
                    + "shows the median and the spread of the ratios. 0 runs every target in this JVM (default "
                    + "${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--targets", split = ",", paramLabel = "NAME",
            description = "Targets to measure: library, raw, raw+hash, peer (default: all installed).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--no-warmup", description = "Skip the unmeasured warm-up run before each throughput figure.")
    boolean noWarmup;

    @Option(names = "--rate", paramLabel = "MSG/S", defaultValue = "10000",
            description = "Publish rate of the latency scenario (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "How long latency is recorded (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--latency-warmup", paramLabel = "DURATION", defaultValue = "5s",
            converter = Converters.DurationConverter.class,
            description = "Unrecorded fixed-rate publishing, once for each target before either is measured and "
                    + "again before each measured run (default ${DEFAULT-VALUE}).")
    Duration latencyWarmup;

    @Option(names = "--heap-messages", paramLabel = "N", defaultValue = "1000000",
            description = "Backlog size of the heap scenario (default ${DEFAULT-VALUE}).")
    int heapMessages;

    @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "0",
            description = "maxInFlight of the library's subscriptions; 0 keeps the library default (default "
                    + "${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--no-baseline", description = "Measure the library only.")
    boolean noBaseline;

    @Option(names = "--run-timeout", paramLabel = "DURATION", defaultValue = "2m",
            converter = Converters.DurationConverter.class,
            description = "Fail if a single run takes longer (default ${DEFAULT-VALUE}).")
    Duration runTimeout;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the JSON report (default target/bench-<date>-<time>.json).")
    Path output;

    @Override
    protected int execute() {
        BenchConfig config = config();
        Path file = output != null ? output
                : Path.of("target", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        + ".json");
        BenchReport report;
        try (Progress progress = progress("bench")) {
            report = Benchmark.run(config, (step, steps, what) -> progress.show("[" + step + "/" + steps + "] " + what));
        }
        report.writeJson(file);
        out().print(report.toTable());
        out().println("JSON report: " + file);
        out().flush();
        return 0;
    }

    private BenchConfig config() {
        BenchConfig.Builder b;
        try {
            b = BenchConfig.builder(common.config())
                    .payloadSizes(payloadSizes)
                    .messages(messages)
                    .batchSize(batchSize)
                    .repeat(repeat)
                    .forks(forks)
                    .targets(targets)
                    .warmup(!noWarmup)
                    .rate(rate)
                    .latencyDuration(duration)
                    .latencyWarmup(latencyWarmup)
                    .heapMessages(heapMessages)
                    .maxInFlight(maxInFlight)
                    .baseline(!noBaseline)
                    .timeout(runTimeout);
            if (!scenarios.isEmpty()) {
                List<Scenario> chosen = new ArrayList<>();
                for (String s : scenarios) {
                    chosen.add(Scenario.fromId(s));
                }
                b.scenarios(chosen);
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return b.build();
    }
}

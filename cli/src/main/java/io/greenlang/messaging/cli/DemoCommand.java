package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.LatencySummary;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.patterns.RequestClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glm demo}: the GreenLang agent workflow of {@link EsgWorkflow}, with a summary at the end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs the GreenLang agent demo workflow on the broker and prints a summary.",
            "Runs a GreenLang agent workflow over the broker: an intake agent publishes ESG-analysis tasks; a pool "
                    + "of analysis workers in one consumer group processes them (every 10th fails once and is retried; "
                    + "one poison task fails on every attempt and lands in the dead-letter queue); results fan out to "
                    + "a report writer and an auditor that checks provenance hashes.",
            "Then three acts on the same broker (skip them with --no-patterns): an LLM-style analyst agent answers "
                    + "questions about the results through request-reply; a report saga (collect data, run analysis, "
                    + "publish report) completes for one site and, for the site with incomplete data, fails at publishing "
                    + "and compensates the completed steps in reverse order; a circuit breaker around a failing agent "
                    + "opens, refuses calls fast, half-opens after a short cool-down and closes once the agent recovers.",
            "Ends with a summary: messages, throughput, p50/p95/p99 end-to-end latency, retries, dead letters, lag, "
                    + "and the acts' figures. Takes seconds on memory://."
        })
final class DemoCommand extends BaseCommand {
    @Option(names = "--tasks", paramLabel = "N", defaultValue = "200",
            description = "ESG-analysis tasks the intake agent publishes (default ${DEFAULT-VALUE}, at least 2).")
    int tasks;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "Analysis workers in the consumer group (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--rate", paramLabel = "TASKS/S", defaultValue = "1000",
            description = "Tasks per second the intake agent publishes; 0 publishes them all at once, which "
                    + "measures the pool's capacity but makes tasks queue (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--work-time", paramLabel = "DURATION", defaultValue = "2ms",
            converter = Converters.DurationConverter.class,
            description = "Simulated analysis time per task (default ${DEFAULT-VALUE}).")
    Duration workTime;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "300",
            description = "Messages sent through the broker and the codec before the clock starts, so the figures "
                    + "show the workflow rather than a cold JVM; 0 skips it (default ${DEFAULT-VALUE}).")
    int warmUpRounds;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "20",
            description = "Questions the client asks the analyst agent at once in act 1 (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--no-patterns", negatable = false,
            description = "Runs the ESG workflow only, without the request-reply, saga and circuit-breaker acts.")
    boolean noPatterns;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = Converters.DurationConverter.class,
            description = "Give up if the workflow has not finished by then (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    protected int execute() {
        if (tasks < 2 || tasks > 1_000_000) {
            throw usage("--tasks must be from 2 to 1000000, was " + tasks);
        }
        if (workers < 1 || workers > 100) {
            throw usage("--workers must be from 1 to 100, was " + workers);
        }
        if (warmUpRounds < 0) {
            throw usage("--warm-up must not be negative, was " + warmUpRounds);
        }
        if (rate < 0) {
            throw usage("--rate must not be negative, was " + rate);
        }
        if (requests < 1 || requests > 10_000) {
            throw usage("--requests must be from 1 to 10000, was " + requests);
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be positive");
        }
        if (warmUpRounds > 0) {
            try (Broker warmUp = common.connect()) { // a broker of its own: the workflow's metrics stay clean
                EsgWorkflow.warmUp(warmUp, warmUpRounds, timeout);
            }
        }
        try (Broker broker = common.connect()) {
            EsgWorkflow workflow = new EsgWorkflow(broker, tasks, workers, workTime, rate, timeout);
            PrintWriter out = out();
            out.println("GreenLang Messaging demo: ESG analysis workflow on " + broker.name() + " (run "
                    + workflow.runId() + ")");
            out.println("  intake agent      publishes " + tasks + " tasks to " + workflow.tasksTopic()
                    + (rate > 0 ? ", " + rate + " a second" : ", all at once"));
            out.println("  analysis workers  " + workers + " members of group " + EsgWorkflow.WORKERS + ", "
                    + EsgWorkflow.MAX_ATTEMPTS + " attempts with 20 ms backoff; every 10th task fails once; task "
                    + workflow.poisonTask() + " is poison");
            out.println("  report writer     group " + EsgWorkflow.REPORT_WRITER + " on " + workflow.resultsTopic());
            out.println("  auditor           group " + EsgWorkflow.AUDITOR + " on " + workflow.resultsTopic()
                    + ", verifies provenance hashes");
            out.flush();
            EsgWorkflow.Summary summary;
            try (Progress progress = progress("demo")) {
                summary = workflow.run(progress::update);
            }
            PatternActs.Result acts = null;
            if (!noPatterns) {
                acts = new PatternActs(broker, workflow.runId(), timeout, out)
                        .run(requests, summary.tonnesPerSite(), workflow.poisonTask());
            }
            print(out, summary, acts);
            out.flush();
            return 0;
        }
    }

    private static void print(PrintWriter out, EsgWorkflow.Summary s, PatternActs.Result acts) {
        MetricsSnapshot m = s.metrics();
        Histogram h = s.endToEndMicros();
        double seconds = s.elapsed().toNanos() / 1e9;
        out.println();
        out.println("Summary");
        row(out, "tasks published", s.tasks());
        row(out, "results published", s.resultsPublished());
        row(out, "reports written", s.reportsWritten());
        row(out, "audits passed", s.auditsPassed());
        row(out, "audits failed", s.auditsFailed());
        row(out, "retries", s.retries());
        row(out, "dead letters", s.deadLetters());
        row(out, "messages", m.published() + " published, " + m.delivered() + " delivered, " + m.acked() + " acked, "
                + m.failed() + " failed");
        row(out, "throughput", String.format(Locale.ROOT, "%,.0f tasks/s (%d tasks in %.2f s, %,.0f messages/s)",
                s.tasks() / seconds, s.tasks(), seconds, (m.published() + m.delivered()) / seconds));
        row(out, "end-to-end latency", String.format(Locale.ROOT, "p50 %s, p95 %s, p99 %s (task published to report "
                + "written, %d reports)", ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), h.getTotalCount()));
        LatencySummary hop = m.endToEndLatency();
        row(out, "broker latency", String.format(Locale.ROOT, "p50 %s, p95 %s, p99 %s (message created to handler "
                + "start, broker metrics)", ms(hop.p50()), ms(hop.p95()), ms(hop.p99())));
        List<String> lags = new ArrayList<>();
        for (ConsumerLag lag : s.lags()) {
            lags.add(lag.topic().replace("." + s.runId(), "") + "/" + lag.group() + " " + lag.total());
        }
        row(out, "final lag", String.join(", ", lags));
        List<String> perWorker = new ArrayList<>();
        s.perWorker().forEach((w, n) -> perWorker.add(n.toString()));
        row(out, "tasks per worker", String.join(", ", perWorker));
        if (acts != null) {
            print(out, acts);
        }
        out.println();
        out.println("Dead letter");
        if (s.poison().isPresent()) {
            DeadLetter d = s.poison().get();
            out.println("  message " + d.message().id() + " in " + d.message().topic() + "/" + d.group());
            out.println("  reason " + d.reason() + " after " + d.attempts() + " attempts");
            out.println("  exception " + d.exceptionClass().orElse("(none)") + ": " + d.exceptionMessage());
        } else {
            out.println("  (none)");
        }
        out.println();
        out.println("Report");
        StringBuilder ratings = new StringBuilder();
        for (Map.Entry<String, Long> e : s.ratings().entrySet()) {
            ratings.append(ratings.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        out.println(String.format(Locale.ROOT, "  %d sites, %,.1f tCO2e in total; ratings %s", s.sites(),
                s.totalTonnes(), ratings));
    }

    private static void print(PrintWriter out, PatternActs.Result a) {
        RequestClient.Stats c = a.clientStats();
        row(out, "analyst answers", a.answered() + " of " + a.asked() + " questions answered, each correlated with "
                + "its question");
        row(out, "request latency", "p50 " + ms(a.p50Micros()) + ", p99 " + ms(a.p99Micros()) + " (" + a.asked()
                + " concurrent requests)");
        row(out, "request client", c.sent() + " sent, " + c.replied() + " replied, " + c.failed() + " failed, "
                + c.timedOut() + " timed out, " + c.droppedReplies() + " dropped replies, " + c.pending() + " pending");
        row(out, "report saga ok", a.okSite() + " " + a.completed().status() + ", "
                + a.completed().replies().size() + " steps");
        row(out, "report saga failed", a.failSite() + " " + a.failed().status() + " at "
                + a.failed().failedStep().orElse("?") + ", compensated " + String.join(" -> ", a.failed().compensated()));
        row(out, "circuit breaker", String.join(", ", a.transitions()));
        row(out, "breaker calls", a.breakerFailures() + " failed, " + a.rejected() + " rejected fast (avg "
                + ms(a.rejectMicros()) + "), " + a.breakerSuccesses() + " succeeded; agent saw " + a.agentCalls()
                + " requests");
    }

    private static void row(PrintWriter out, String label, Object value) {
        out.println(String.format(Locale.ROOT, "  %-20s %s", label, value));
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}

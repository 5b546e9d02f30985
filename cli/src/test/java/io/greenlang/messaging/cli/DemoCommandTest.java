package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("glm demo")
class DemoCommandTest {
    private static final Pattern ROW = Pattern.compile("^  ([a-z][a-z -]+?)\\s{2,}(.+)$");

    /** The summary's rows, label to value. */
    private static Map<String, String> summary(String out) {
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inSummary = false;
        for (String line : out.split("\\R")) {
            if (line.equals("Summary")) {
                inSummary = true;
            } else if (line.isEmpty()) {
                inSummary = false;
            } else if (inSummary) {
                Matcher m = ROW.matcher(line);
                if (m.matches()) {
                    rows.put(m.group(1), m.group(2));
                }
            }
        }
        return rows;
    }

    @Test
    @DisplayName("runs the workflow and prints a consistent summary: one poison task, the rest reported and audited")
    void summaryIsConsistent() {
        int tasks = 60;
        Cli.Result r = Cli.run("demo", "--tasks", String.valueOf(tasks), "--workers", "3", "--work-time", "0ms",
                "--rate", "0", "--timeout", "40s");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> s = summary(r.out());
        assertThat(s).containsEntry("tasks published", "60")
                .containsEntry("results published", String.valueOf(tasks - 1))
                .containsEntry("reports written", String.valueOf(tasks - 1))
                .containsEntry("audits passed", String.valueOf(tasks - 1))
                .containsEntry("audits failed", "0")
                .containsEntry("dead letters", "1")
                // every 10th task fails once; the poison task (41) fails on all 3 attempts, so 2 retries
                .containsEntry("retries", String.valueOf(tasks / 10 + 2))
                .containsEntry("final lag", "esg.tasks/analysis-workers 0, esg.results/report-writer 0, "
                        + "esg.results/auditor 0");
        assertThat(s.get("messages")).startsWith((2 * tasks - 1) + " published, ");
        assertThat(s.get("throughput")).matches("[\\d,]+ tasks/s \\(60 tasks in \\d+\\.\\d\\d s, [\\d,]+ messages/s\\)");
        assertThat(s.get("end-to-end latency")).matches("p50 [\\d.]+ ms, p95 [\\d.]+ ms, p99 [\\d.]+ ms \\(task "
                + "published to report written, 59 reports\\)");
        assertThat(s.get("tasks per worker").split(", ")).hasSize(3);
        // act 1: every question answered, nothing dropped, failed or left pending
        assertThat(s).containsEntry("analyst answers", "20 of 20 questions answered, each correlated with its question")
                .containsEntry("request client", "20 sent, 20 replied, 0 failed, 0 timed out, 0 dropped replies, "
                        + "0 pending");
        assertThat(s.get("request latency")).matches("p50 [\\d.]+ ms, p99 [\\d.]+ ms \\(20 concurrent requests\\)");
        // act 2: the poison task 41 is site-17's, whose report cannot be published; the two completed steps are
        // compensated in reverse order
        assertThat(s).containsEntry("report saga ok", "site-1 COMPLETED, 3 steps")
                .containsEntry("report saga failed", "site-17 COMPENSATED at publish-report, compensated run-analysis "
                        + "-> collect-data");
        assertThat(r.out()).contains("  exchanges: execute:collect-data, execute:run-analysis, execute:publish-report, "
                + "compensate:run-analysis, compensate:collect-data");
        // act 3: three failures open the breaker, the next two calls are refused without reaching the agent, the
        // trial call after the cool-down closes it again
        assertThat(s).containsEntry("circuit breaker", "CLOSED -> OPEN, OPEN -> HALF_OPEN, HALF_OPEN -> CLOSED");
        assertThat(s.get("breaker calls")).matches("3 failed, 2 rejected fast \\(avg [\\d.]+ ms\\), 1 succeeded; "
                + "agent saw 4 requests");
        assertThat(r.out())
                .containsPattern("(?m)^  call 2 failed \\([\\d.]+ ms\\): forecast model overloaded \\(simulated\\); "
                        + "breaker CLOSED$")
                .containsPattern("(?m)^  call 3 failed \\([\\d.]+ ms\\): forecast model overloaded \\(simulated\\); "
                        + "breaker OPEN$")
                .containsPattern("(?m)^  call 4 rejected fast \\([\\d.]+ ms\\): breaker OPEN$")
                .containsPattern("(?m)^  call 5 rejected fast \\([\\d.]+ ms\\): breaker OPEN$")
                .containsPattern("(?m)^  trial call: .*; breaker CLOSED$");
        assertThat(r.out()).contains("task 41 is poison")
                .contains("  reason RETRIES_EXHAUSTED after 3 attempts")
                .contains("  exception java.lang.IllegalArgumentException: task 41: unknown unit 'furlongs', cannot "
                        + "convert to tCO2e");
    }

    @Test
    @DisplayName("runs the same with MessagePack payloads on a named memory:// broker, intake at a fixed rate")
    void msgpackAtARate() {
        Cli.Result r = Cli.run("demo", "--url", Cli.uniqueMemoryUrl(), "--codec", "msgpack", "--tasks", "20",
                "--workers", "2", "--rate", "2000", "--work-time", "1ms", "--warm-up", "0", "--requests", "7");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> s = summary(r.out());
        assertThat(s).containsEntry("reports written", "19").containsEntry("audits passed", "19")
                .containsEntry("dead letters", "1").containsEntry("retries", "4")
                // 20 tasks: the poison task 14 is site-15's
                .containsEntry("analyst answers", "7 of 7 questions answered, each correlated with its question")
                .containsEntry("report saga failed", "site-15 COMPENSATED at publish-report, compensated run-analysis "
                        + "-> collect-data")
                .containsEntry("circuit breaker", "CLOSED -> OPEN, OPEN -> HALF_OPEN, HALF_OPEN -> CLOSED");
        assertThat(s.get("request client")).startsWith("7 sent, 7 replied, 0 failed, 0 timed out, 0 dropped replies");
    }

    @Test
    @DisplayName("--no-patterns runs the ESG workflow only")
    void noPatterns() {
        Cli.Result r = Cli.run("demo", "--no-patterns", "--tasks", "20", "--work-time", "0ms", "--rate", "0",
                "--warm-up", "0");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> s = summary(r.out());
        assertThat(s).containsEntry("reports written", "19").containsEntry("dead letters", "1")
                .doesNotContainKeys("analyst answers", "request latency", "request client", "report saga ok",
                        "report saga failed", "circuit breaker", "breaker calls");
        assertThat(r.out()).doesNotContain("Act 1").doesNotContain("Act 2").doesNotContain("Act 3");
    }

    @Test
    @DisplayName("rejects a --requests out of range")
    void badRequests() {
        Cli.Result r = Cli.run("demo", "--requests", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("glm: --requests must be from 1 to 10000, was 0 (see 'glm demo --help')");
    }

    @Test
    @DisplayName("request latency percentiles are nearest-rank")
    void percentiles() {
        long[] sorted = new long[20];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (i + 1) * 10L;
        }
        assertThat(PatternActs.percentile(sorted, 50)).isEqualTo(100);
        assertThat(PatternActs.percentile(sorted, 99)).isEqualTo(200);
        assertThat(PatternActs.percentile(new long[] {7}, 50)).isEqualTo(7);
        assertThat(PatternActs.percentile(new long[0], 99)).isZero();
        assertThat(PatternActs.remoteMessage("a.B: service failed: java.lang.IllegalStateException: portal down"))
                .isEqualTo("portal down");
    }

    @Test
    @DisplayName("rejects fewer than two tasks")
    void tooFewTasks() {
        Cli.Result r = Cli.run("demo", "--tasks", "1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("glm: --tasks must be from 2 to 1000000, was 1 (see 'glm demo --help')");
    }

    @Test
    @DisplayName("the poison task is never one of the tasks that fail once")
    void poisonTask() {
        assertThat(EsgWorkflow.poisonTaskNumber(200)).isEqualTo(134);
        assertThat(EsgWorkflow.poisonTaskNumber(60)).isEqualTo(41);
        assertThat(EsgWorkflow.poisonTaskNumber(2)).isEqualTo(2);
        for (int tasks = 2; tasks < 500; tasks++) {
            int poison = EsgWorkflow.poisonTaskNumber(tasks);
            assertThat(poison).isBetween(1, tasks);
            assertThat(poison % 10).isNotZero();
        }
    }
}

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
        assertThat(r.out()).contains("task 41 is poison")
                .contains("  reason RETRIES_EXHAUSTED after 3 attempts")
                .contains("  exception java.lang.IllegalArgumentException: task 41: unknown unit 'furlongs', cannot "
                        + "convert to tCO2e");
    }

    @Test
    @DisplayName("runs the same with MessagePack payloads on a named memory:// broker, intake at a fixed rate")
    void msgpackAtARate() {
        Cli.Result r = Cli.run("demo", "--url", Cli.uniqueMemoryUrl(), "--codec", "msgpack", "--tasks", "20",
                "--workers", "2", "--rate", "2000", "--work-time", "1ms", "--warm-up", "0");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Map<String, String> s = summary(r.out());
        assertThat(s).containsEntry("reports written", "19").containsEntry("audits passed", "19")
                .containsEntry("dead letters", "1").containsEntry("retries", "4");
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

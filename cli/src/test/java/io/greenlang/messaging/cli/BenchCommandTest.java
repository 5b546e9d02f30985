package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.messaging.benchmarks.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("glm bench")
class BenchCommandTest {
    private static final String[] TINY = {
        "--messages", "3000", "--repeat", "1", "--forks", "0", "--no-warmup", "--rate", "5000", "--duration", "200ms",
        "--latency-warmup", "0s", "--heap-messages", "20000", "--batch-size", "50"
    };

    @Test
    @DisplayName("prints a table with every scenario and the library/raw ratio, and writes a JSON report")
    void tinyRun(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out").resolve("bench.json");
        String[] args = concat(new String[] {"bench", "--output", json.toString()}, TINY);

        Cli.Result r = Cli.run(args);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(0)).isEqualTo("Benchmark of GreenLang Messaging on memory:// against:");
        assertThat(lines.get(1)).isEqualTo("  raw: ArrayBlockingQueue hand-off between threads");
        assertThat(r.out()).contains("scenario").contains("library/raw");
        for (Scenario s : Scenario.values()) {
            String ratio = s == Scenario.CHAIN ? ".*\\d(\\s+-)+$" : ".*\\d\\.\\d\\d$"; // the chain: the library only
            assertThat(lines).as("row of " + s.title())
                    .anySatisfy(l -> assertThat(l).startsWith(s.title()).matches(ratio));
        }
        assertThat(lines).filteredOn(l -> l.startsWith("publish, single")).hasSize(2); // 100 B and 1 KiB
        assertThat(r.out()).contains("JSON report: " + json);

        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        assertThat(report.get("broker").asText()).isEqualTo("memory://");
        assertThat(report.get("baselines").get("raw").asText()).isEqualTo("ArrayBlockingQueue hand-off between threads");
        assertThat(report.get("environment").get("cores").asInt()).isPositive();
        JsonNode results = report.get("results");
        // per payload size: 9 throughput figures, 4 latency percentiles, 2 heap figures, 2 of the chain
        assertThat(results).hasSize(2 * (9 + 4 + 2 + 2));
        Set<String> scenarios = new HashSet<>();
        for (JsonNode row : results) {
            scenarios.add(row.get("scenario").asText());
            assertThat(row.get("library").get("median").asDouble()).isPositive();
            if (row.get("scenario").asText().equals("chain")) {
                assertThat(row.get("baselines")).isEmpty();
            } else {
                assertThat(row.get("baselines").get("raw").get("median").isNumber()).isTrue();
                if (row.get("unit").asText().equals("msg/s")) {
                    assertThat(row.get("ratios").get("raw").get("median").asDouble()).isPositive();
                }
            }
        }
        assertThat(scenarios).containsExactlyInAnyOrder("publish", "publish-batch", "drain-1", "drain-2",
                "end-to-end", "latency", "heap", "publish-json", "publish-msgpack", "drain-json", "drain-msgpack",
                "chain");
        assertThat(r.err()).containsPattern("bench: \\[1/\\d+\\] publish, single, 100 B: library");
    }

    @Test
    @DisplayName("--no-baseline and --scenarios narrow the run; the table shows no ratio then")
    void libraryOnly(@TempDir Path dir) throws Exception {
        String[] args = concat(new String[] {"bench", "--no-baseline", "--scenarios", "drain-2,end-to-end",
            "--payload-sizes", "64", "-o", dir.resolve("b.json").toString()}, TINY);

        Cli.Result r = Cli.run(args);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outLines().get(0)).endsWith("(no baseline)");
        assertThat(r.outLines()).filteredOn(l -> l.matches("drain backlog, 2 consumers\\s+64 B .*"))
                .singleElement().satisfies(l -> assertThat(l).matches(".*throughput \\(msg/s\\)\\s+[\\d,]+"));
        JsonNode results = new ObjectMapper().readTree(dir.resolve("b.json").toFile()).get("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("baselines")).isEmpty();
    }

    @Test
    @DisplayName("by default each target runs in JVMs of its own; the table shows the spread of the ratio")
    void forks(@TempDir Path dir) throws Exception {
        String[] args = concat(new String[] {"bench", "--scenarios", "drain-1", "--payload-sizes", "64",
            "-o", dir.resolve("f.json").toString()}, TINY);
        args[java.util.Arrays.asList(args).indexOf("--forks") + 1] = "2";

        Cli.Result r = Cli.run(args);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.outLines()).filteredOn(l -> l.startsWith("drain backlog, 1 consumer")).singleElement()
                .satisfies(l -> assertThat(l).matches(".*\\d\\.\\d\\d \\(\\d\\.\\d\\d-\\d\\.\\d\\d\\)$"));
        assertThat(r.err()).contains("[1/4] JVM library, round 1 of 2: drain backlog, 1 consumer, 64 B: library");
        JsonNode row = new ObjectMapper().readTree(dir.resolve("f.json").toFile()).get("results").get(0);
        assertThat(row.get("library").get("runs")).hasSize(2);
        assertThat(row.get("ratios").get("raw").get("runs")).hasSize(2);
    }

    @Test
    @DisplayName("an unknown scenario or a too small payload is a usage error")
    void usageErrors() {
        Cli.Result scenario = Cli.run("bench", "--scenarios", "warp-speed");
        assertThat(scenario.exitCode()).isEqualTo(2);
        assertThat(scenario.errLines()).containsExactly("glm: Unknown scenario 'warp-speed'. Valid scenarios: publish, "
                + "publish-batch, drain-1, drain-2, end-to-end, latency, heap, publish-json, publish-msgpack, drain-json, "
                + "drain-msgpack, chain. (see 'glm bench --help')");

        Cli.Result target = Cli.run("bench", "--targets", "library,spring");
        assertThat(target.exitCode()).isEqualTo(2);
        assertThat(target.errLines()).containsExactly("glm: Unknown target 'spring'. Valid targets: library, raw, "
                + "raw+hash, peer. (see 'glm bench --help')");

        Cli.Result size = Cli.run("bench", "--payload-sizes", "8");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.errLines()).containsExactly("glm: payload size must be at least 16, was 8 (see 'glm bench "
                + "--help')");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

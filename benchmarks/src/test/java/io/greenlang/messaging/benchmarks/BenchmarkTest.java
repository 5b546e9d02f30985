package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the benchmark harness")
class BenchmarkTest {
    private static BenchConfig.Builder tiny(String url) {
        return BenchConfig.builder(BrokerConfig.parse(url))
                .payloadSizes(List.of(100))
                .messages(2000)
                .batchSize(50)
                .repeat(1)
                .warmup(false)
                .rate(5000)
                .latencyDuration(Duration.ofMillis(200))
                .latencyWarmup(Duration.ZERO)
                .heapMessages(5000)
                .heapSampleInterval(Duration.ofMillis(20));
    }

    @Test
    @DisplayName("measures every scenario for the library and the memory:// baseline, and reports ratios")
    void everyScenario(@TempDir Path dir) throws Exception {
        List<String> steps = new ArrayList<>();

        BenchReport report = Benchmark.run(tiny("memory://").build(),
                (step, total, what) -> steps.add(step + "/" + total + " " + what));

        assertThat(report.broker()).isEqualTo("memory://");
        assertThat(report.library()).isEqualTo("GreenLang Messaging on memory://");
        assertThat(report.baselines()).containsExactly(entry("raw", "ArrayBlockingQueue hand-off between threads"));
        assertThat(steps.get(0)).matches("1/\\d+ publish, single, 100 B: library");
        assertThat(steps.get(1)).matches("2/\\d+ publish, single, 100 B: raw");
        assertThat(steps).anySatisfy(s -> assertThat(s).endsWith("latency at fixed rate, 100 B: raw (warm-up)"))
                .anySatisfy(s -> assertThat(s).endsWith("drain + decode MessagePack records, 1 consumer, 100 B: raw"))
                .anySatisfy(s -> assertThat(s).endsWith("(offered 1000 msg/s)"));
        assertThat(report.measurements()).extracting(Measurement::scenario).containsOnly(Scenario.values());
        // 9 throughput figures, 4 latency percentiles, 2 heap figures, 2 of the chain
        assertThat(report.measurements()).hasSize(9 + 4 + 2 + 2);
        for (Measurement m : report.measurements()) {
            assertThat(m.library().median()).as(m.toString()).isPositive();
            if (m.scenario() == Scenario.CHAIN) {
                assertThat(m.baselines()).as(m.toString()).isEmpty();
            } else {
                assertThat(m.baseline("raw")).as(m.toString()).isPresent();
            }
        }
        assertThat(report.measurements()).filteredOn(m -> m.unit().equals("msg/s") && m.scenario() != Scenario.CHAIN)
                .allSatisfy(m -> assertThat(m.ratio("raw")).isPresent());
        assertThat(report.measurements()).filteredOn(m -> m.scenario() == Scenario.CHAIN)
                .extracting(Measurement::metric).containsExactly("sustained", "p99 there");
        assertThat(report.measurements()).filteredOn(m -> m.metric().equals("sustained"))
                .singleElement().satisfies(m -> assertThat(m.library().median()).isGreaterThanOrEqualTo(500));

        Path file = dir.resolve("r.json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("results")).hasSize(17);
        assertThat(json.get("results").get(0).get("baselines").get("raw").get("runs")).hasSize(1);
        assertThat(json.get("settings").get("messages").asText()).isEqualTo("2000");
        assertThat(report.toTable()).contains("drain backlog, 2 consumers").contains("library/raw")
                .contains("chained agents");
    }

    @Test
    @DisplayName("with forks, each target runs in JVMs of its own, and every figure has one run per fork")
    void forks() {
        List<String> steps = new ArrayList<>();

        BenchReport report = Benchmark.run(tiny("memory://").forks(2)
                .scenarios(EnumSet.of(Scenario.DRAIN_1, Scenario.PUBLISH_JSON)).build(),
                (step, total, what) -> steps.add(step + "/" + total + " " + what));

        assertThat(report.measurements()).hasSize(2).allSatisfy(m -> {
            assertThat(m.library().runs()).hasSize(2).allSatisfy(v -> assertThat(v).isPositive());
            assertThat(m.baseline("raw")).get().satisfies(f -> assertThat(f.runs()).hasSize(2));
            assertThat(m.ratioRuns("raw")).hasSize(2);
        });
        assertThat(steps).first().asString().startsWith("1/4 JVM library, round 1 of 2: ");
        // the second round starts with the target the first one ended with
        assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("3/4 JVM raw, round 2 of 2: "));
        assertThat(report.toTable()).containsPattern("\\d\\.\\d\\d \\(\\d\\.\\d\\d-\\d\\.\\d\\d\\)");
    }

    @Test
    @DisplayName("runs the library alone when asked, or when no baseline exists for the scheme")
    void withoutBaseline() {
        BenchReport report = Benchmark.run(tiny("memory://").baseline(false)
                .scenarios(EnumSet.of(Scenario.PUBLISH_BATCH)).build(), BenchProgress.none());

        assertThat(report.baselines()).isEmpty();
        assertThat(report.measurements()).singleElement()
                .satisfies(m -> assertThat(m.ratio("raw")).isEmpty());
        assertThat(report.toTable()).contains("(no baseline)");
    }

    @Test
    @DisplayName("backlogs are drained in full even where the broker caps its log")
    void cappedLog() {
        BenchReport report = Benchmark.run(tiny("memory://?max-retained-messages=500")
                .scenarios(EnumSet.of(Scenario.DRAIN_1, Scenario.HEAP)).timeout(Duration.ofSeconds(30)).build(),
                BenchProgress.none());

        assertThat(report.measurements()).hasSize(3).allSatisfy(m -> assertThat(m.library().median()).isPositive());
    }

    @Test
    @DisplayName("a bad URL fails before anything runs")
    void badUrl() {
        assertThatThrownBy(() -> Benchmark.run(tiny("nope://x").build(), BenchProgress.none()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No backend handles scheme 'nope'");
    }

    @Test
    @DisplayName("baselines are found by URL scheme")
    void baselines() {
        assertThat(Baselines.forScheme("memory")).get().isInstanceOf(QueueBaselineProvider.class);
        assertThat(Baselines.forScheme("MEMORY")).isPresent();
        assertThat(Baselines.forScheme("redis")).get().isInstanceOf(LettuceBaselineProvider.class);
        assertThat(Baselines.forScheme("kafka")).get().isInstanceOf(KafkaClientsBaselineProvider.class);
        assertThat(Baselines.forScheme("nats")).isEmpty();
        assertThat(Baselines.schemes()).containsExactly("kafka", "memory", "redis", "rediss");
    }

    @Test
    @DisplayName("the ratio is library over baseline, and absent when the baseline is about zero")
    void ratio() {
        Measurement m = new Measurement(Scenario.PUBLISH, 100, "throughput", "msg/s", Figure.of(500, 450, 600),
                Map.of("raw", Figure.of(1000, 900, 1000)), true);
        assertThat(m.ratio("raw")).hasValue(0.5);
        assertThat(m.ratioRuns("raw")).containsExactly(0.5, 0.5, 0.6);
        assertThat(m.ratio("peer")).isEmpty();
        Measurement zero = new Measurement(Scenario.HEAP, 100, "after-drain", "MiB", Figure.of(12),
                Map.of("raw", Figure.of(0.1)), false);
        assertThat(zero.ratio("raw")).isEmpty();
        assertThat(zero.ratioRuns("raw")).isEmpty();
    }

    @Test
    @DisplayName("scenario names and sizes are validated")
    void validation() {
        assertThat(Scenario.fromId("Drain-2")).isEqualTo(Scenario.DRAIN_2);
        assertThatThrownBy(() -> Scenario.fromId("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown scenario 'x'. Valid scenarios: publish, publish-batch, drain-1, drain-2, "
                        + "end-to-end, latency, heap, publish-json, publish-msgpack, drain-json, drain-msgpack, chain.");
        BenchConfig.Builder b = BenchConfig.builder(BrokerConfig.parse("memory://"));
        assertThatThrownBy(() -> b.payloadSizes(List.of(8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.messages(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.rate(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.scenarios(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.targets(List.of("raw", "spring"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown target 'spring'. Valid targets: library, raw, raw+hash, peer.");
        assertThatThrownBy(() -> b.forks(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}

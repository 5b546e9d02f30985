package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.OptionalDouble;
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
        assertThat(report.baseline()).isEqualTo("ArrayBlockingQueue hand-off between threads");
        assertThat(steps).hasSize(16).startsWith("1/16 publish, single, 100 B: library",
                "2/16 publish, single, 100 B: raw");
        assertThat(steps).containsSubsequence("11/16 latency at fixed rate, 100 B: library (warm-up)",
                "12/16 latency at fixed rate, 100 B: raw (warm-up)", "13/16 latency at fixed rate, 100 B: library",
                "14/16 latency at fixed rate, 100 B: raw");
        assertThat(report.measurements()).extracting(Measurement::scenario).containsOnly(Scenario.values());
        assertThat(report.measurements()).hasSize(5 + 4 + 2);
        for (Measurement m : report.measurements()) {
            assertThat(m.library()).as(m.toString()).isPositive();
            assertThat(m.baseline()).as(m.toString()).isPresent();
        }
        assertThat(report.measurements()).filteredOn(m -> m.unit().equals("msg/s"))
                .allSatisfy(m -> assertThat(m.ratio()).isPresent());

        Path file = dir.resolve("r.json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("results")).hasSize(11);
        assertThat(json.get("settings").get("messages").asText()).isEqualTo("2000");
        assertThat(report.toTable()).contains("drain backlog, 2 consumers").contains("library/raw");
    }

    @Test
    @DisplayName("runs the library alone when asked, or when no baseline exists for the scheme")
    void withoutBaseline() {
        BenchReport report = Benchmark.run(tiny("memory://").baseline(false)
                .scenarios(EnumSet.of(Scenario.PUBLISH_BATCH)).build(), BenchProgress.none());

        assertThat(report.baseline()).isEmpty();
        assertThat(report.measurements()).singleElement()
                .satisfies(m -> assertThat(m.ratio()).isEmpty());
        assertThat(report.toTable()).contains("(no raw baseline)");
    }

    @Test
    @DisplayName("backlogs are drained in full even where the broker caps its log")
    void cappedLog() {
        BenchReport report = Benchmark.run(tiny("memory://?max-retained-messages=500")
                .scenarios(EnumSet.of(Scenario.DRAIN_1, Scenario.HEAP)).timeout(Duration.ofSeconds(30)).build(),
                BenchProgress.none());

        assertThat(report.measurements()).hasSize(3).allSatisfy(m -> assertThat(m.library()).isPositive());
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
        Measurement m = new Measurement(Scenario.PUBLISH, 100, "throughput", "msg/s", 500, OptionalDouble.of(1000), true);
        assertThat(m.ratio()).hasValue(0.5);
        Measurement zero = new Measurement(Scenario.HEAP, 100, "after-drain", "MiB", 12, OptionalDouble.of(0.1), false);
        assertThat(zero.ratio()).isEmpty();
    }

    @Test
    @DisplayName("scenario names and sizes are validated")
    void validation() {
        assertThat(Scenario.fromId("Drain-2")).isEqualTo(Scenario.DRAIN_2);
        assertThatThrownBy(() -> Scenario.fromId("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown scenario 'x'. Valid scenarios: publish, publish-batch, drain-1, drain-2, "
                        + "end-to-end, latency, heap.");
        BenchConfig.Builder b = BenchConfig.builder(BrokerConfig.parse("memory://"));
        assertThatThrownBy(() -> b.payloadSizes(List.of(8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.messages(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.rate(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.scenarios(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}

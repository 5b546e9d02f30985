package io.greenlang.messaging.spi.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.greenlang.messaging.LatencySummary;
import io.greenlang.messaging.MetricsSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {
    private static final List<String> COUNTERS = List.of("greenlang.messaging.published",
            "greenlang.messaging.delivered", "greenlang.messaging.acked", "greenlang.messaging.retried",
            "greenlang.messaging.dead.lettered", "greenlang.messaging.expired", "greenlang.messaging.failed");

    private final BrokerMetrics metrics = new BrokerMetrics("memory", "test-broker");

    private void recordSome() {
        metrics.published(3);
        metrics.published(2);
        metrics.delivered();
        metrics.delivered();
        metrics.delivered();
        metrics.delivered();
        metrics.acked();
        metrics.acked();
        metrics.acked();
        metrics.retried();
        metrics.retried();
        metrics.deadLettered();
        metrics.expired();
        metrics.expired();
        metrics.expired();
        metrics.failed();
    }

    @Test
    void startsEmpty() {
        assertThat(metrics.snapshot()).isEqualTo(new MetricsSnapshot(0, 0, 0, 0, 0, 0, 0, LatencySummary.EMPTY,
                LatencySummary.EMPTY));
    }

    @Test
    void countsEveryEvent() {
        recordSome();

        MetricsSnapshot s = metrics.snapshot();

        assertThat(List.of(s.published(), s.delivered(), s.acked(), s.retried(), s.deadLettered(), s.expired(),
                s.failed())).containsExactly(5L, 4L, 3L, 2L, 1L, 3L, 1L);
    }

    @Test
    void rejectsANegativePublishCount() {
        assertThatThrownBy(() -> metrics.published(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must not be negative, was -1");
    }

    @Test
    void summarizesLatencies() {
        IntStream.rangeClosed(1, 100).forEach(ms -> metrics.publishLatency(TimeUnit.MILLISECONDS.toNanos(ms)));
        metrics.endToEndLatency(TimeUnit.MILLISECONDS.toNanos(250));
        metrics.endToEndLatency(-5); // clock skew counts as zero

        LatencySummary publish = metrics.snapshot().publishLatency();
        LatencySummary endToEnd = metrics.snapshot().endToEndLatency();

        assertThat(publish.count()).isEqualTo(100);
        assertThat(publish.max()).isEqualTo(Duration.ofMillis(100));
        // Client-side percentiles are histogram approximations: within a few percent.
        assertThat(publish.p50().toNanos()).isCloseTo(TimeUnit.MILLISECONDS.toNanos(50), within(4_000_000L));
        assertThat(publish.p95().toNanos()).isCloseTo(TimeUnit.MILLISECONDS.toNanos(95), within(6_000_000L));
        assertThat(publish.p99().toNanos()).isCloseTo(TimeUnit.MILLISECONDS.toNanos(99), within(6_000_000L));
        assertThat(endToEnd.count()).isEqualTo(2);
        assertThat(endToEnd.max()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void countsPublishesAndTheirLatencySinceAStart() {
        long before = System.nanoTime();
        metrics.publishedSince(3, before - TimeUnit.MILLISECONDS.toNanos(40));
        long elapsed = System.nanoTime() - before;

        LatencySummary publish = metrics.snapshot().publishLatency();
        assertThat(metrics.snapshot().published()).isEqualTo(3);
        assertThat(publish.count()).isEqualTo(1);
        assertThat(publish.max().toNanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(40),
                TimeUnit.MILLISECONDS.toNanos(40) + elapsed);
    }

    @Test
    void exposesEveryMeterInABoundRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        recordSome();
        metrics.bindTo(registry);
        metrics.publishLatency(TimeUnit.MILLISECONDS.toNanos(7));
        metrics.endToEndLatency(TimeUnit.MILLISECONDS.toNanos(9));
        metrics.acked();

        List<Double> counts = COUNTERS.stream()
                .map(name -> registry.get(name).tags("backend", "memory", "broker", "test-broker").functionCounter())
                .map(FunctionCounter::count)
                .toList();
        assertThat(counts).containsExactly(5.0, 4.0, 4.0, 2.0, 1.0, 3.0, 1.0);
        Timer publish = registry.get("greenlang.messaging.publish.latency").timer();
        Timer endToEnd = registry.get("greenlang.messaging.end.to.end.latency").timer();
        assertThat(publish.count()).isEqualTo(1);
        assertThat(publish.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
        assertThat(endToEnd.count()).isEqualTo(1);
        assertThat(endToEnd.max(TimeUnit.MILLISECONDS)).isEqualTo(9.0);
        assertThat(publish.takeSnapshot().percentileValues()).extracting(v -> v.percentile())
                .containsExactly(0.5, 0.95, 0.99);
        assertThat(ownMeters(registry)).hasSize(9);
        assertThat(registry.getMeters()).filteredOn(m -> m.getId().getName().endsWith(".percentile"))
                .extracting(m -> m.getId().getName() + "{phi=" + m.getId().getTag("phi") + "}")
                .containsExactlyInAnyOrder(
                        "greenlang.messaging.publish.latency.percentile{phi=0.5}",
                        "greenlang.messaging.publish.latency.percentile{phi=0.95}",
                        "greenlang.messaging.publish.latency.percentile{phi=0.99}",
                        "greenlang.messaging.end.to.end.latency.percentile{phi=0.5}",
                        "greenlang.messaging.end.to.end.latency.percentile{phi=0.95}",
                        "greenlang.messaging.end.to.end.latency.percentile{phi=0.99}");
        for (Meter meter : ownMeters(registry)) {
            assertThat(meter.getId().getTags()).containsExactly(Tag.of("backend", "memory"),
                    Tag.of("broker", "test-broker"));
            assertThat(meter.getId().getDescription()).isNotBlank();
        }
        assertThat(registry.get("greenlang.messaging.published").functionCounter().getId().getBaseUnit())
                .isEqualTo("messages");
        assertThat(publish.getId().getDescription()).isEqualTo("Time from a publish call to the broker's confirmation");
    }

    @Test
    void bindsARegistryOnlyOnce() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        metrics.bindTo(registry);
        metrics.bindTo(registry);
        metrics.publishLatency(1_000_000);

        assertThat(ownMeters(registry)).hasSize(9);
        assertThat(registry.get("greenlang.messaging.publish.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void bindsSeveralRegistries() {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(first);
        metrics.bindTo(second);

        metrics.endToEndLatency(2_000_000);
        metrics.failed();

        for (SimpleMeterRegistry r : List.of(first, second)) {
            assertThat(r.get("greenlang.messaging.end.to.end.latency").timer().count()).isEqualTo(1);
            assertThat(r.get("greenlang.messaging.failed").functionCounter().count()).isEqualTo(1.0);
        }
        assertThat(metrics.snapshot().endToEndLatency().count()).isEqualTo(1);
    }

    @Test
    void closeRemovesTheMetersAndKeepsTheSnapshot() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        metrics.publishLatency(1_000_000);

        metrics.close();
        metrics.close();
        metrics.publishLatency(3_000_000);
        metrics.published(1);

        assertThat(registry.getMeters()).isEmpty();
        assertThat(metrics.snapshot().publishLatency().count()).isEqualTo(2);
        assertThat(metrics.snapshot().published()).isEqualTo(1);
        assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("These broker metrics are closed (the broker was closed); bind the registry to an open "
                        + "broker");
    }

    /** The meters bound, without the percentile gauges Micrometer derives from the timers. */
    private static List<Meter> ownMeters(SimpleMeterRegistry registry) {
        return registry.getMeters().stream().filter(m -> !m.getId().getName().endsWith(".percentile")).toList();
    }

    @Test
    void countsConcurrentEventsExactly() throws InterruptedException {
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    metrics.delivered();
                    metrics.acked();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(metrics.snapshot().delivered()).isEqualTo(40_000);
        assertThat(metrics.snapshot().acked()).isEqualTo(40_000);
    }
}

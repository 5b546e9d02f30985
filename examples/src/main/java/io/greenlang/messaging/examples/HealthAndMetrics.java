package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Health, lag and metrics: a round-trip health check, the lag of a group before and after it catches up, and
 * the broker's counters and latency percentiles (the same figures as its Micrometer meters).
 */
public final class HealthAndMetrics {
    /** What the broker reported. */
    public record Result(Health health, ConsumerLag before, ConsumerLag after, MetricsSnapshot metrics) {
    }

    private HealthAndMetrics() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        Health health = broker.health();
        out.println("health: " + health.status() + " in " + health.latency().toMillis() + " ms " + health.details());
        String topic = ExampleSupport.unique("metrics");
        SubscriptionOptions options = SubscriptionOptions.builder(topic, "reporting").build();
        broker.subscribe(options, d -> { }).close();
        for (int i = 0; i < 10; i++) {
            broker.publish(topic, "reading " + i);
        }
        ExampleSupport.waitUntil(() -> broker.lag(topic, "reporting").total() == 10, "the lag to show the backlog");
        ConsumerLag before = broker.lag(topic, "reporting");
        out.println("lag before consuming: backlog " + before.backlog() + ", pending " + before.pending());
        AtomicInteger handled = new AtomicInteger();
        try (Subscription reporting = broker.subscribe(options, d -> handled.incrementAndGet())) {
            ExampleSupport.waitUntil(() -> handled.get() == 10 && broker.lag(topic, "reporting").total() == 0,
                    "the group to catch up");
            out.println(reporting.consumerName() + " handled " + handled.get());
        }
        ConsumerLag after = broker.lag(topic, "reporting");
        MetricsSnapshot m = broker.metrics();
        out.println("lag after: " + after.total() + "; published " + m.published() + ", delivered " + m.delivered()
                + ", acked " + m.acked() + "; publish latency p99 " + m.publishLatency().p99()
                + ", end-to-end p99 " + m.endToEndLatency().p99());
        return new Result(health, before, after, m);
    }
}

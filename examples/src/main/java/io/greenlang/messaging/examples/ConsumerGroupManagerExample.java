package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.patterns.ConsumerGroup;
import io.greenlang.messaging.patterns.ConsumerGroupManager;
import io.greenlang.messaging.patterns.GroupStats;

/**
 * Consumer-group manager: a group starts with two consumers, scales to eight under load, loses one (its
 * subscription dies and the supervisor restarts it), scales back to one, and processes every message.
 */
public final class ConsumerGroupManagerExample {
    /** How many distinct messages were processed, out of how many, and the group's statistics. */
    public record Result(int distinctProcessed, int published, GroupStats stats) {
    }

    private ConsumerGroupManagerExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("telemetry");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        try (ConsumerGroupManager manager = ConsumerGroupManager.create(broker, Duration.ofMillis(100))) {
            ConsumerGroup group = manager.createGroup(
                    SubscriptionOptions.builder(topic, "telemetry-ingest").shutdownGracePeriod(Duration.ofSeconds(2)).build(),
                    2, d -> processed.add(d.message().id()));
            int published = 0;
            published += publish(broker, topic, 500);
            group.scaleTo(8);
            out.println("scaled to " + group.size() + " consumers");
            published += publish(broker, topic, 500);

            String victim = group.consumerNames().get(3);
            group.subscription(victim).orElseThrow().close();            // its loop "dies"
            ExampleSupport.waitUntil(() -> group.health().restarts() == 1 && group.health().isHealthy(),
                    "the supervisor to restart " + victim);
            out.println("restarted " + victim + "; health " + group.health());

            group.scaleTo(1);                                             // graceful: nothing is lost
            published += publish(broker, topic, 500);
            int total = published;
            ExampleSupport.waitUntil(() -> processed.size() == total && group.stats().processed() >= total,
                    "every message");
            GroupStats stats = group.stats();
            out.println("processed " + processed.size() + " of " + total + "; " + stats);
            return new Result(processed.size(), total, stats);
        }
    }

    private static int publish(Broker broker, String topic, int n) {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(Message.builder(topic).text("reading " + i).build());
        }
        broker.publishAll(batch);
        return n;
    }
}

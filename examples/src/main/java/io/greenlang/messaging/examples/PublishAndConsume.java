package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Subscription;

/**
 * Publish and consume: a subscriber in group {@code printer} receives three readings, decoded from JSON.
 *
 * <p>Run: {@code mvn -pl examples exec:java -Dexec.mainClass=io.greenlang.messaging.examples.PublishAndConsume
 * [-Dexec.args=redis://localhost:6379]}
 */
public final class PublishAndConsume {
    /** What is published: records are encoded with the broker's codec (JSON by default). */
    public record Reading(String site, double co2Tonnes) {
    }

    private PublishAndConsume() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    /** Publishes three readings and returns them as the subscriber received them. */
    public static List<Reading> run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("readings");
        List<Reading> received = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        // Subscribe first: a new group receives what is published after it was created.
        try (Subscription printer = broker.subscribe(topic, "printer", delivery -> {
            Reading r = delivery.body(Reading.class);   // decoded with the codec the content type names
            out.println("received " + r + " (attempt " + delivery.attempt() + ")");
            received.add(r);
            three.countDown();                           // returning normally acknowledges
        })) {
            out.println("subscribed to " + printer.topic() + " as " + printer.consumerName() + " in group " + printer.group());
            broker.publish(topic, new Reading("site-1", 12.5));
            broker.publish(topic, new Reading("site-2", 3.0));
            broker.publish(topic, new Reading("site-3", 7.25));
            ExampleSupport.await(three, "three readings");
        }
        return received;
    }
}

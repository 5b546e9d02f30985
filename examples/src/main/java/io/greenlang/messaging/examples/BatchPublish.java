package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.Subscription;

/**
 * Batch publishing: 100 messages in one call, stored in order in one round trip where the backend can (a
 * Redis pipeline, a Kafka producer batch).
 */
public final class BatchPublish {
    /** How many were confirmed, and how many the consumer got. */
    public record Result(int confirmed, int received) {
    }

    private BatchPublish() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("batch");
        AtomicInteger received = new AtomicInteger();
        try (Subscription counter = broker.subscribe(topic, "counter", d -> received.incrementAndGet())) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(Message.builder(topic).text("measurement " + i).header("seq", Integer.toString(i)).build());
            }
            List<PublishResult> results = broker.publishAll(batch);   // one round trip
            out.println("confirmed " + results.size() + " messages; last at position " + results.get(99).position());
            ExampleSupport.waitUntil(() -> received.get() == 100, "100 messages");
            out.println("the consumer " + counter.consumerName() + " received " + received.get());
            return new Result(results.size(), received.get());
        }
    }
}

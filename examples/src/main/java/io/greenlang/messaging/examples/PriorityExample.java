package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Priority: with a backlog, urgent messages (priority 8) are handled before routine ones (priority 1), although
 * they were published later. Without a backlog there is nothing to reorder.
 */
public final class PriorityExample {
    private PriorityExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    /** Returns the priorities in the order the consumer handled them. */
    public static List<Integer> run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("alerts");
        SubscriptionOptions options = SubscriptionOptions.builder(topic, "responders").build();
        broker.subscribe(options, d -> { }).close();   // create the group, then leave it without members: a backlog builds
        for (int i = 0; i < 5; i++) {
            broker.publish(Message.builder(topic).text("routine " + i).priority(1).build());
        }
        for (int i = 0; i < 5; i++) {
            broker.publish(Message.builder(topic).text("urgent " + i).priority(8).build());
        }
        List<Integer> order = new CopyOnWriteArrayList<>();
        try (Subscription responders = broker.subscribe(options, d -> {
            out.println("handling " + d.message().payloadAsString() + " (priority " + d.message().priority() + ")");
            order.add(d.message().priority());
        })) {
            ExampleSupport.waitUntil(() -> order.size() == 10, "ten alerts");
            out.println(responders.consumerName() + " handled priorities " + order);
        }
        return order;
    }
}

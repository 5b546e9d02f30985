package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Subscription;

/**
 * Consumer groups: two members of group {@code billing} share the orders (each order goes to one of them), while
 * group {@code audit} gets every order as well.
 */
public final class ConsumerGroupsExample {
    /** How many orders each billing member handled, and how many the auditor saw. */
    public record Result(Map<String, Integer> billingMembers, int audited) {
        public int billed() {
            return billingMembers.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private ConsumerGroupsExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("orders");
        Map<String, Integer> billing = new ConcurrentHashMap<>();
        AtomicInteger audited = new AtomicInteger();
        try (Subscription billingA = broker.subscribe(topic, "billing", d -> billing.merge(d.consumerName(), 1, Integer::sum));
                Subscription billingB = broker.subscribe(topic, "billing", d -> billing.merge(d.consumerName(), 1, Integer::sum));
                Subscription audit = broker.subscribe(topic, "audit", d -> audited.incrementAndGet())) {
            for (int i = 0; i < 20; i++) {
                broker.publish(topic, "order " + i);
            }
            out.println("billing members " + billingA.consumerName() + " and " + billingB.consumerName()
                    + " compete; auditor " + audit.consumerName() + " is alone in its group");
            ExampleSupport.waitUntil(() -> billing.values().stream().mapToInt(Integer::intValue).sum() == 20
                    && audited.get() == 20, "every order billed and audited");
        }
        out.println("billing members handled " + billing + " (20 in all, each once); audit saw " + audited.get());
        return new Result(Map.copyOf(billing), audited.get());
    }
}

package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.patterns.PubSub;

/** Pub-sub: every subscriber (audit and pager) gets every alert, each in a group of its own. */
public final class PubSubExample {
    /** An alert. */
    public record Alert(String site, String kind) {
    }

    /** What each subscriber received. */
    public record Result(List<Alert> audit, List<Alert> pager) {
    }

    private PubSubExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        PubSub alerts = PubSub.on(broker, ExampleSupport.unique("alerts"));
        List<Alert> audit = new CopyOnWriteArrayList<>();
        List<Alert> pager = new CopyOnWriteArrayList<>();
        try (Subscription a = alerts.subscribe("audit", d -> audit.add(d.body(Alert.class)));
                Subscription p = alerts.subscribe("pager", d -> pager.add(d.body(Alert.class)))) {
            out.println("subscribers " + a.group() + " and " + p.group() + " on " + alerts.topic());
            alerts.publish(new Alert("site-1", "threshold"));
            alerts.publish(new Alert("site-2", "sensor-offline"));
            alerts.publish(new Alert("site-3", "threshold"));
            ExampleSupport.waitUntil(() -> audit.size() == 3 && pager.size() == 3, "both subscribers");
        }
        out.println("audit got " + audit.size() + ", pager got " + pager.size());
        return new Result(audit, pager);
    }
}

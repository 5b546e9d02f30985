package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Time-to-live: a quote valid for 50 ms waits in a backlog past its expiry and is never handled; it is
 * dead-lettered with reason EXPIRED. A fresh quote is handled.
 */
public final class TimeToLive {
    /** What the consumer handled, and the dead letter of the expired quote. */
    public record Result(List<String> handled, DeadLetter expired) {
    }

    private TimeToLive() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("quotes");
        SubscriptionOptions options = SubscriptionOptions.builder(topic, "traders").build();
        broker.subscribe(options, d -> { }).close();            // the group exists, nobody consumes yet
        Message stale = Message.builder(topic).text("stale quote").ttl(Duration.ofMillis(50)).build();
        broker.publish(stale);
        ExampleSupport.waitUntil(() -> stale.isExpired(Instant.now()), "the quote to expire");
        broker.publish(Message.builder(topic).text("fresh quote").ttl(Duration.ofMinutes(5)).build());
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Subscription traders = broker.subscribe(options, d -> handled.add(d.message().payloadAsString()))) {
            ExampleSupport.waitUntil(() -> handled.contains("fresh quote"), "the fresh quote");
            out.println(traders.consumerName() + " handled " + handled);
        }
        ExampleSupport.waitUntil(() -> broker.deadLetters(topic, "traders").count() == 1, "the expired quote");
        DeadLetter expired = broker.deadLetters(topic, "traders").list(1).get(0);
        out.println("handled " + handled + "; dead-lettered '" + expired.message().payloadAsString() + "' as "
                + expired.reason());
        return new Result(handled, expired);
    }
}

package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Retries and the dead-letter queue: a flaky message succeeds on its second attempt; a bad one fails three
 * times and is dead-lettered with the reason; once the bug is "fixed", replaying the dead letter delivers it
 * again.
 */
public final class RetriesAndDeadLetters {
    /** What happened. */
    public record Result(int flakyAttempts, DeadLetter deadLetter, boolean replayedAndHandled) {
    }

    private RetriesAndDeadLetters() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("invoices");
        RetryPolicy retries = RetryPolicy.builder()
                .maxAttempts(3)                              // the first attempt and two retries
                .initialBackoff(Duration.ofMillis(100))      // then 200 ms: exponential, capped, with jitter
                .build();
        AtomicInteger flakyAttempts = new AtomicInteger();
        AtomicBoolean fixed = new AtomicBoolean();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        SubscriptionOptions options = SubscriptionOptions.builder(topic, "billing").retryPolicy(retries).build();
        try (Subscription billing = broker.subscribe(options, d -> {
            String invoice = d.body(String.class);
            out.println("attempt " + d.attempt() + " at " + invoice);
            if (invoice.equals("flaky") && flakyAttempts.incrementAndGet() == 1) {
                throw new IllegalStateException("database busy");       // retried after the backoff
            }
            if (invoice.equals("bad") && !fixed.get()) {
                throw new IllegalArgumentException("no customer number");  // fails every attempt
            }
            handled.add(invoice);
        })) {
            broker.publish(topic, "flaky");
            broker.publish(topic, "bad");
            DeadLetterQueue dlq = broker.deadLetters(topic, "billing");
            ExampleSupport.waitUntil(() -> dlq.count() == 1 && handled.contains("flaky"), "the dead letter");
            DeadLetter letter = dlq.list(10).get(0);
            out.println("dead letter: " + letter.reason() + " after " + letter.attempts() + " attempts: "
                    + letter.exceptionClass().orElse("-") + ": " + letter.exceptionMessage());
            fixed.set(true);
            dlq.replay(10);                                              // back to group "billing", as attempt 1
            ExampleSupport.waitUntil(() -> handled.contains("bad"), "the replayed invoice");
            out.println("replayed to " + billing.group() + " and handled; the queue holds " + dlq.count());
            return new Result(flakyAttempts.get(), letter, handled.contains("bad"));
        }
    }
}

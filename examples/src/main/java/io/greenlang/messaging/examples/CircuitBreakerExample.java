package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.patterns.CircuitBreaker;
import io.greenlang.messaging.patterns.CircuitBreakerOptions;
import io.greenlang.messaging.patterns.CircuitOpenException;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;

/**
 * Circuit breaker: requests to a failing agent go through a breaker; after three failures it opens and refuses
 * at once, without bothering the agent; after the cool-down one trial request reaches the recovered agent and
 * the breaker closes.
 */
public final class CircuitBreakerExample {
    /** The breaker's transitions, how many calls it refused, and how many requests the agent saw. */
    public record Result(List<String> transitions, long rejected, long agentCalls) {
    }

    private CircuitBreakerExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("agents.flaky");
        AtomicBoolean healthy = new AtomicBoolean(false);
        List<String> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder()
                .name("flaky-agent")
                .failureThreshold(3)
                .coolDown(Duration.ofMillis(300))
                .trialCalls(1)
                .listener(t -> {
                    transitions.add(t.from() + " -> " + t.to());
                    out.println("breaker " + t.breaker() + ": " + t.from() + " -> " + t.to());
                })
                .build());
        try (ReplyService agent = ReplyService.start(broker, topic, request -> {
                    if (!healthy.get()) {
                        throw new IllegalStateException("model overloaded");
                    }
                    return "fine answer";
                });
                RequestClient client = RequestClient.create(broker)) {
            for (int i = 1; i <= 5; i++) {
                String question = "question " + i;
                try {
                    breaker.callAsync(() -> client.requestAsync(topic, question, String.class, Duration.ofSeconds(5)))
                            .toCompletableFuture().join();
                } catch (CompletionException e) {
                    String kind = e.getCause() instanceof CircuitOpenException ? "refused by the breaker" : "failed";
                    out.println("call " + i + " " + kind + ": " + e.getCause().getMessage());
                }
            }
            healthy.set(true);
            ExampleSupport.waitUntil(() -> breaker.state() == CircuitBreaker.State.HALF_OPEN, "the cool-down");
            String answer = breaker.callAsync(() -> client.requestAsync(topic, "trial", String.class, Duration.ofSeconds(5)))
                    .toCompletableFuture().join();
            out.println("trial call: " + answer + "; breaker " + breaker.state() + "; " + breaker.stats());
            return new Result(transitions, breaker.stats().rejected(), agent.stats().handled() + agent.stats().failed());
        }
    }
}

package io.greenlang.messaging.tck.patterns;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;
import io.greenlang.messaging.patterns.RequestClientOptions;
import io.greenlang.messaging.patterns.RequestHandler;
import io.greenlang.messaging.patterns.StoredEvent;
import io.greenlang.messaging.tck.FeatureContract;

/**
 * What the feature groups of {@link PatternsContractTest} share: the retry policy and options for subscriptions,
 * services and clients, waits on stages and latches, and the records the patterns carry. Each group
 * ({@code SagasContract}, {@code WorkQueuesContract}...) extends this class; its per-test broker, names,
 * deadlines and cleanup come from the kit instance running it ({@link FeatureContract}).
 */
public abstract class PatternFeature extends FeatureContract {
    /** Retries for tests that fail on purpose: 3 attempts, 50 ms then 100 ms apart, no jitter. */
    protected static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(50))
            .multiplier(2)
            .maxBackoff(Duration.ofMillis(500))
            .jitter(0)
            .build();

    /** The grace period of every subscription, service and client the patterns kit makes. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final PatternsContractTest kit;

    PatternFeature(PatternsContractTest kit) {
        super(kit);
        this.kit = kit;
    }

    /** How many requests the load test sends at once; see {@link PatternsContractTest#concurrentRequests()}. */
    protected final int concurrentRequests() {
        return kit.concurrentRequests();
    }

    /** How many consumers the scaling test scales a group to; see {@link PatternsContractTest#maxConsumers()}. */
    protected final int maxConsumers() {
        return kit.maxConsumers();
    }

    /** Subscription options with a short grace period and {@link #FAST_RETRIES}. */
    protected static SubscriptionOptions.Builder options(String topic, String group) {
        return SubscriptionOptions.builder(topic, group).shutdownGracePeriod(GRACE).retryPolicy(FAST_RETRIES);
    }

    /** A reply service with the default options but a short grace period, closed after the test. */
    protected final ReplyService service(String topic, RequestHandler handler) {
        return track(ReplyService.start(broker(), ReplyService.defaultOptions(broker(), topic).shutdownGracePeriod(GRACE)
                .build(), handler));
    }

    /** A request client with a short grace period, closed after the test. */
    protected final RequestClient client() {
        return track(RequestClient.create(broker(), RequestClientOptions.builder().closeGracePeriod(GRACE).build()));
    }

    /** Waits for a latch within the eventual deadline; false if it timed out. */
    protected final boolean await(CountDownLatch latch) {
        try {
            return latch.await(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The failure of a stage that must fail, within the eventual deadline. */
    protected final Throwable failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("Expected the stage to fail within " + timeouts().eventually() + ", got " + e, e);
        }
        throw new AssertionError("Expected the stage to fail, but it completed normally");
    }

    protected final <T> T resultOf(CompletionStage<T> stage, Duration within) {
        try {
            return stage.toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("Expected the stage to complete normally, it failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("Expected the stage to complete within " + within + ", got " + e, e);
        }
    }

    /** A question for request-reply tests. */
    public record Question(int number, String text) {
    }

    /** An answer for request-reply tests. */
    public record Answer(int number, String text) {
    }

    /** An event-sourcing event. */
    public record Deposited(long amount) {
    }

    /** An event-sourcing event. */
    public record Withdrawn(long amount) {
    }

    /** State rebuilt from {@link Deposited} and {@link Withdrawn} events. */
    public record Account(long balance, int operations) {
        static final Account EMPTY = new Account(0, 0);

        Account apply(StoredEvent e) {
            switch (e.type()) {
                case "Deposited":
                    return new Account(balance + e.body(Deposited.class).amount(), operations + 1);
                case "Withdrawn":
                    return new Account(balance - e.body(Withdrawn.class).amount(), operations + 1);
                default:
                    throw new IllegalStateException("unknown event type " + e.type());
            }
        }
    }

    /** A saga's input. */
    public record ReportRequest(String site) {
    }
}

package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * A work queue: tasks submitted to a topic are spread over a pool of workers (competing consumers of one
 * group), failed tasks are retried with backoff by the workers' {@link RetryPolicy}, and tasks that keep failing
 * end in the group's {@link DeadLetterQueue}.
 * <pre>{@code
 * try (WorkQueue queue = WorkQueue.create(broker, "esg.calculations")) {
 *     queue.start(8, delivery -> calculate(delivery.body(Calculation.class)));
 *     queue.submit(new Calculation("site-42", "scope-2"));
 *     queue.workers().orElseThrow().scaleTo(16);
 *     queue.deadLetters().list(10);
 * }
 * }</pre>
 *
 * <p>Workers take one task at a time by default (prefetch 1: {@code maxInFlight(1)}), so a slow task never
 * holds others back behind it; the pool is a {@link ConsumerGroup}, supervised and scalable at run time.
 *
 * <p>Thread-safe. Closing drains the workers gracefully; submitting still works afterwards (it only publishes).
 */
public final class WorkQueue implements AutoCloseable {
    private final Broker broker;
    private final SubscriptionOptions workerOptions;
    private final ConsumerGroupManager manager;
    private final Object lock = new Object();
    private ConsumerGroup workers; // guarded by lock

    private WorkQueue(Broker broker, SubscriptionOptions workerOptions, Duration healthCheckInterval) {
        this.broker = broker;
        this.workerOptions = workerOptions;
        this.manager = ConsumerGroupManager.create(broker, healthCheckInterval);
    }

    /**
     * The worker options {@link #create(Broker, String)} uses, to adjust: group {@code <topic>.workers}, prefetch 1
     * ({@code maxInFlight(1)}), {@link RetryPolicy#defaults()}, and the earliest retained task when the backend
     * supports it, so tasks submitted before the first worker started are not skipped.
     */
    public static SubscriptionOptions.Builder defaultOptions(Broker broker, String topic) {
        Objects.requireNonNull(broker, "broker");
        boolean earliest = broker.capabilities().supports(Capability.START_FROM_EARLIEST);
        return SubscriptionOptions.builder(topic, topic + ".workers")
                .maxInFlight(1)
                .startPosition(earliest ? StartPosition.EARLIEST : StartPosition.LATEST);
    }

    /** A queue on {@code topic} with {@link #defaultOptions(Broker, String)}. */
    public static WorkQueue create(Broker broker, String topic) {
        return create(broker, defaultOptions(broker, topic).build());
    }

    /** A queue whose workers subscribe with {@code workerOptions}; dead workers are restarted within a second. */
    public static WorkQueue create(Broker broker, SubscriptionOptions workerOptions) {
        return create(broker, workerOptions, ConsumerGroupManager.DEFAULT_HEALTH_CHECK_INTERVAL);
    }

    /** A queue whose dead workers are restarted within {@code healthCheckInterval}. */
    public static WorkQueue create(Broker broker, SubscriptionOptions workerOptions, Duration healthCheckInterval) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(workerOptions, "workerOptions");
        return new WorkQueue(broker, workerOptions, healthCheckInterval);
    }

    public String topic() {
        return workerOptions.topic();
    }

    /** The workers' group, whose dead-letter queue and lag belong to this queue. */
    public String group() {
        return workerOptions.group();
    }

    /** Submits a task, encoded with the broker's codec (a {@link Message} is copied as it is), and waits. */
    public PublishResult submit(Object task) {
        return Broker.await(submitAsync(task));
    }

    /** Submits a task; the stage completes once the broker has it. */
    public CompletionStage<PublishResult> submitAsync(Object task) {
        return broker.publishAsync(toMessage(task));
    }

    /** Submits tasks in one batch, in order, and waits. */
    public List<PublishResult> submitAll(List<?> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        List<Message> messages = new ArrayList<>(tasks.size());
        for (Object task : tasks) {
            messages.add(toMessage(task));
        }
        return broker.publishAll(messages);
    }

    /**
     * Starts {@code count} workers running {@code handler}: returning acknowledges a task, throwing retries it.
     *
     * @return the pool, to scale and watch
     * @throws IllegalStateException if workers were started already
     */
    public ConsumerGroup start(int count, MessageHandler handler) {
        synchronized (lock) {
            if (workers != null) {
                throw new IllegalStateException("Workers of " + this + " are running already; scale them with workers().");
            }
            workers = manager.createGroup(workerOptions, count, handler);
            return workers;
        }
    }

    /** The worker pool, once started. */
    public Optional<ConsumerGroup> workers() {
        synchronized (lock) {
            return Optional.ofNullable(workers);
        }
    }

    /** The tasks that failed for good. */
    public DeadLetterQueue deadLetters() {
        return broker.deadLetters(topic(), group());
    }

    /** Tasks not yet done: waiting and in progress. */
    public ConsumerLag lag() {
        return broker.lag(topic(), group());
    }

    /** Drains and stops the workers, gracefully. Idempotent. */
    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "WorkQueue{" + topic() + "/" + group() + "}";
    }

    private Message toMessage(Object task) {
        Objects.requireNonNull(task, "task");
        return Payloads.withBody(Message.builder(topic()), task, broker.codec()).build();
    }
}

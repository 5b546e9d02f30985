package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Creates and supervises {@link ConsumerGroup}s on one broker.
 * <pre>{@code
 * try (ConsumerGroupManager manager = ConsumerGroupManager.create(broker)) {
 *     ConsumerGroup analysts = manager.createGroup(
 *             SubscriptionOptions.builder("esg.tasks", "analysis").build(), 4, delivery -> analyse(delivery));
 *     analysts.scaleTo(20);                  // more consumers under load
 *     GroupStats stats = analysts.stats();   // processed, failed, throughput, uptime, lag
 *     analysts.scaleTo(2);                   // graceful: nothing is lost
 * }
 * }</pre>
 *
 * <p>A supervisor thread checks every group at the health-check interval and restarts each consumer whose
 * subscription is no longer active although nobody removed it (its fetch loop died, or it was closed behind
 * the group's back); {@link GroupStats#restarts()} counts the restarts.
 *
 * <p>Thread-safe. Closing closes every group gracefully (in parallel) and stops the supervisor.
 */
public final class ConsumerGroupManager implements AutoCloseable {
    /** The health-check interval of {@link #create(Broker)}. */
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger(ConsumerGroupManager.class.getName());

    private final Broker broker;
    private final Duration healthCheckInterval;
    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor supervisor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ConsumerGroupManager(Broker broker, Duration healthCheckInterval) {
        this.broker = broker;
        this.healthCheckInterval = healthCheckInterval;
        this.supervisor = Threads.scheduler("greenlang-consumer-group-supervisor");
        supervisor.scheduleWithFixedDelay(this::checkHealth, healthCheckInterval.toNanos(), healthCheckInterval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** A manager that checks its groups' health every second. */
    public static ConsumerGroupManager create(Broker broker) {
        return create(broker, DEFAULT_HEALTH_CHECK_INTERVAL);
    }

    /**
     * A manager that checks its groups' health every {@code healthCheckInterval}.
     *
     * @throws IllegalArgumentException if the interval is not positive
     */
    public static ConsumerGroupManager create(Broker broker, Duration healthCheckInterval) {
        Objects.requireNonNull(broker, "broker");
        return new ConsumerGroupManager(broker, Payloads.positive(healthCheckInterval, "healthCheckInterval"));
    }

    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /**
     * Creates a group of {@code consumers} consumers (0 or more) on {@code template.topic()} in
     * {@code template.group()}, each subscribing with {@code template} under a name of its own, and starts them.
     *
     * @throws IllegalArgumentException if this manager already runs that topic and group, or the count is negative
     * @throws IllegalStateException if the manager is closed
     */
    public ConsumerGroup createGroup(SubscriptionOptions template, int consumers, MessageHandler handler) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(handler, "handler");
        Payloads.atLeast(consumers, 0, "consumers");
        if (closed.get()) {
            throw new IllegalStateException("This consumer group manager is closed.");
        }
        ConsumerGroup group = new ConsumerGroup(this, broker, template, handler);
        if (groups.putIfAbsent(key(template.topic(), template.group()), group) != null) {
            throw new IllegalArgumentException("This manager already runs group '" + template.group() + "' on topic '"
                    + template.topic() + "'; scale that one instead.");
        }
        try {
            group.scaleTo(consumers);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
        return group;
    }

    /** The group this manager runs for the topic and group, if any. */
    public Optional<ConsumerGroup> group(String topic, String group) {
        return Optional.ofNullable(groups.get(key(topic, group)));
    }

    /** Every group this manager runs. */
    public List<ConsumerGroup> groups() {
        return List.copyOf(groups.values());
    }

    /** Runs one supervision pass now: restarts dead consumers in every group. Never throws. */
    public void checkHealth() {
        for (ConsumerGroup g : groups.values()) {
            try {
                int restarted = g.restartDeadConsumers();
                if (restarted > 0) {
                    LOG.log(System.Logger.Level.INFO, "Restarted " + restarted + " dead consumer(s) of " + g);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Supervising " + g + " failed: " + e);
            }
        }
    }

    /** Closes every group gracefully, in parallel, and stops the supervisor. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        supervisor.shutdownNow();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ConsumerGroup g : groups.values()) {
            closing.add(CompletableFuture.runAsync(g::close, runnable -> {
                Thread t = new Thread(runnable, "greenlang-consumer-group-close");
                t.setDaemon(true);
                t.start();
            }));
        }
        CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).join();
    }

    @Override
    public String toString() {
        return "ConsumerGroupManager{groups=" + groups.keySet() + (closed.get() ? ", closed" : "") + "}";
    }

    void forget(ConsumerGroup group) {
        groups.remove(key(group.topic(), group.group()), group);
    }

    private static String key(String topic, String group) {
        return topic + "\u0000" + group;
    }
}

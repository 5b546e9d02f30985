package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * A managed group of consumers on one topic, created by {@link ConsumerGroupManager#createGroup}: each consumer
 * is a subscription of its own, named {@code <group>-<instance>-<n>}, running the group's handler. Consumers
 * can be added and removed at run time, or the group scaled to a count; the manager's supervisor restarts a
 * consumer whose subscription stopped without being asked to.
 *
 * <p>Removing a consumer, scaling down and closing are graceful: the subscriptions close (in parallel), running
 * handlers finish within the template's grace period and are acknowledged, and messages taken but not started
 * go back to the broker for the remaining members. Nothing is lost; a message whose handler outlives the grace
 * period is delivered again after its lease.
 *
 * <p>Statistics come from a wrapper around the handler: an invocation that returns is processed, one that
 * throws is failed; counts are kept across restarts and for removed consumers.
 *
 * <p>Thread-safe: changes of membership are serialized; the blocking ones (removing, scaling down, closing)
 * wait for the subscriptions they close, outside the group's lock.
 */
public final class ConsumerGroup implements AutoCloseable {
    private final ConsumerGroupManager manager;
    private final Broker broker;
    private final SubscriptionOptions template;
    private final MessageHandler handler;
    private final String namePrefix;
    private final Instant createdAt = Instant.now();
    private final Object lock = new Object();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final List<Member> retiring = new ArrayList<>();
    private final LongAdder retiredProcessed = new LongAdder();
    private final LongAdder retiredFailed = new LongAdder();
    private final AtomicLong retiredRestarts = new AtomicLong();
    private int nextIndex = 1;
    private boolean closed;
    private volatile RuntimeException supervisionFailure;

    /** One consumer; its subscription is replaced when it is restarted. */
    private final class Member {
        final String name;
        final LongAdder processed = new LongAdder();
        final LongAdder failed = new LongAdder();
        volatile Subscription subscription;
        volatile Instant startedAt;
        volatile long processedAtStart;
        volatile int restarts;

        Member(String name) {
            this.name = name;
        }

        void start() {
            processedAtStart = processed.sum();
            startedAt = Instant.now();
            subscription = broker.subscribe(template.mutate().consumerName(name).build(), delivery -> {
                try {
                    handler.handle(delivery);
                } catch (Exception | Error e) {
                    failed.increment();
                    throw e;
                }
                processed.increment();
            });
        }

        ConsumerStats stats(Instant now) {
            Subscription s = subscription;
            Duration uptime = Duration.between(startedAt, now);
            double seconds = uptime.toNanos() / 1e9;
            long sinceStart = processed.sum() - processedAtStart;
            return new ConsumerStats(name, s.isActive(), processed.sum(), failed.sum(),
                    seconds > 0 ? sinceStart / seconds : 0, uptime, restarts, s.inFlight());
        }
    }

    ConsumerGroup(ConsumerGroupManager manager, Broker broker, SubscriptionOptions template, MessageHandler handler) {
        this.manager = manager;
        this.broker = broker;
        this.template = template;
        this.handler = handler;
        String group = template.group();
        this.namePrefix = (group.length() > 200 ? group.substring(0, 200) : group) + "-" + Payloads.randomId();
    }

    public String topic() {
        return template.topic();
    }

    public String group() {
        return template.group();
    }

    /** The options every consumer subscribes with, but for its name. */
    public SubscriptionOptions template() {
        return template;
    }

    /** How many consumers the group has. */
    public int size() {
        synchronized (lock) {
            return members.size();
        }
    }

    /** The consumers' names, oldest first. */
    public List<String> consumerNames() {
        synchronized (lock) {
            return List.copyOf(members.keySet());
        }
    }

    /**
     * Starts one more consumer.
     *
     * @return its name
     * @throws IllegalStateException if the group is closed
     */
    public String addConsumer() {
        synchronized (lock) {
            ensureOpen();
            return startMember().name;
        }
    }

    /**
     * Removes the newest consumer, gracefully, and waits for it to stop.
     *
     * @return its name; empty if the group had none
     */
    public Optional<String> removeConsumer() {
        Member m;
        synchronized (lock) {
            if (members.isEmpty()) {
                return Optional.empty();
            }
            m = detach(new ArrayList<>(members.keySet()).get(members.size() - 1));
        }
        drain(List.of(m));
        return Optional.of(m.name);
    }

    /**
     * Removes the named consumer, gracefully, and waits for it to stop.
     *
     * @return whether the group had it
     */
    public boolean removeConsumer(String consumerName) {
        Member m;
        synchronized (lock) {
            if (!members.containsKey(consumerName)) {
                return false;
            }
            m = detach(consumerName);
        }
        drain(List.of(m));
        return true;
    }

    /**
     * Adds or removes consumers until there are {@code count}; removals (of the newest first) are graceful, and
     * this waits for them.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws IllegalStateException if the group is closed
     */
    public void scaleTo(int count) {
        Payloads.atLeast(count, 0, "count");
        List<Member> removed = new ArrayList<>();
        synchronized (lock) {
            ensureOpen();
            while (members.size() < count) {
                startMember();
            }
            List<String> names = new ArrayList<>(members.keySet());
            for (int i = names.size() - 1; i >= count; i--) {
                removed.add(detach(names.get(i)));
            }
        }
        drain(removed);
    }

    /** The live subscription of a consumer, for diagnostics; closing it is treated as a crash and restarted. */
    public Optional<Subscription> subscription(String consumerName) {
        synchronized (lock) {
            Member m = members.get(consumerName);
            return m == null ? Optional.empty() : Optional.of(m.subscription);
        }
    }

    /** Statistics of every consumer, oldest first. */
    public List<ConsumerStats> consumerStats() {
        Instant now = Instant.now();
        List<Member> current;
        synchronized (lock) {
            current = new ArrayList<>(members.values());
        }
        List<ConsumerStats> stats = new ArrayList<>(current.size());
        for (Member m : current) {
            stats.add(m.stats(now));
        }
        return stats;
    }

    /** Statistics of the whole group, with the broker's lag when the backend reports it. */
    public GroupStats stats() {
        Instant now = Instant.now();
        int consumers;
        int active = 0;
        long processed;
        long failed;
        long restarts;
        synchronized (lock) {
            consumers = members.size();
            processed = retiredProcessed.sum();
            failed = retiredFailed.sum();
            restarts = retiredRestarts.get();
            for (Member m : members.values()) {
                processed += m.processed.sum();
                failed += m.failed.sum();
                restarts += m.restarts;
                active += m.subscription.isActive() ? 1 : 0;
            }
            for (Member m : retiring) {
                processed += m.processed.sum();
                failed += m.failed.sum();
            }
        }
        Duration uptime = Duration.between(createdAt, now);
        double seconds = uptime.toNanos() / 1e9;
        return new GroupStats(topic(), group(), consumers, active, processed, failed,
                seconds > 0 ? processed / seconds : 0, uptime, restarts, lag());
    }

    /** Whether every consumer is active. */
    public GroupHealth health() {
        synchronized (lock) {
            long restarts = retiredRestarts.get();
            List<String> inactive = new ArrayList<>();
            for (Member m : members.values()) {
                restarts += m.restarts;
                if (!m.subscription.isActive()) {
                    inactive.add(m.name);
                }
            }
            int desired = members.size();
            int active = desired - inactive.size();
            GroupHealth.Status status = closed ? GroupHealth.Status.CLOSED
                    : inactive.isEmpty() ? GroupHealth.Status.HEALTHY
                    : active == 0 ? GroupHealth.Status.DOWN : GroupHealth.Status.DEGRADED;
            return new GroupHealth(status, desired, active, restarts, inactive);
        }
    }

    /**
     * Restarts, now, every consumer whose subscription is no longer active; the manager's supervisor calls this
     * at its interval.
     *
     * @return how many consumers were restarted
     */
    public int restartDeadConsumers() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            int restarted = 0;
            for (Member m : members.values()) {
                if (m.subscription.isActive()) {
                    continue;
                }
                Subscription dead = m.subscription;
                try {
                    m.start();
                    m.restarts++;
                    restarted++;
                    supervisionFailure = null;
                } catch (BrokerClosedException e) {
                    supervisionFailure = e;
                    return restarted;
                } catch (RuntimeException e) {
                    supervisionFailure = e;
                    continue;
                }
                dead.closeAsync();
            }
            return restarted;
        }
    }

    /** Why the last restart attempt failed, if it did (for example, the broker is closed). */
    public Optional<RuntimeException> lastRestartFailure() {
        return Optional.ofNullable(supervisionFailure);
    }

    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Removes every consumer gracefully and waits for them; the group cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        List<Member> removed = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (String name : new ArrayList<>(members.keySet())) {
                removed.add(detach(name));
            }
        }
        try {
            drain(removed);
        } finally {
            manager.forget(this);
        }
    }

    @Override
    public String toString() {
        return "ConsumerGroup{" + topic() + "/" + group() + ", consumers=" + size() + "}";
    }

    private Member startMember() {
        Member m = new Member(namePrefix + "-" + nextIndex++);
        m.start();
        members.put(m.name, m);
        return m;
    }

    /** Takes a member out of the group, keeping its counts; called with the lock held. */
    private Member detach(String name) {
        Member m = members.remove(name);
        retiredRestarts.addAndGet(m.restarts);
        retiring.add(m);
        return m;
    }

    /** Closes the members' subscriptions in parallel and waits; counts their totals once they have stopped. */
    private void drain(List<Member> removed) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Member m : removed) {
            stops.add(m.subscription.closeAsync().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0])).join();
        } finally {
            synchronized (lock) {
                for (Member m : removed) {
                    retiring.remove(m);
                    retiredProcessed.add(m.processed.sum());
                    retiredFailed.add(m.failed.sum());
                }
            }
        }
    }

    private Optional<ConsumerLag> lag() {
        if (!broker.capabilities().supports(Capability.LAG)) {
            return Optional.empty();
        }
        try {
            return Optional.of(broker.lag(topic(), group()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Consumer group " + topic() + "/" + group() + " is closed.");
        }
    }
}

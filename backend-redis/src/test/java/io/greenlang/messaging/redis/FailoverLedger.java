package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The books of a failover test: one publisher publishing one message at a time, two members of one group
 * consuming, and for every message whether its publish was confirmed, failed, and how often it was handled.
 * Times are taken relative to {@link #markFault()}.
 */
final class FailoverLedger implements AutoCloseable {
    private final String topic;
    private final Broker publisher;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    /** When each confirmed publish began. */
    private final Map<String, Long> publishedAtNanos = new ConcurrentHashMap<>();
    private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean publishing = new AtomicBoolean(true);
    private final AtomicLong faultNanos = new AtomicLong();
    private final AtomicLong firstPublishAfterFault = new AtomicLong();
    private final AtomicLong firstDeliveryAfterFault = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final Thread producer;

    FailoverLedger(String topic, Broker publisher, List<Broker> members, Duration lease) {
        this.topic = topic;
        this.publisher = publisher;
        for (Broker member : members) {
            subscriptions.add(member.subscribe(SubscriptionOptions.builder(topic, "g").concurrency(2)
                    .leaseTimeout(lease).build(), d -> {
                        handled.computeIfAbsent(d.message().id(), k -> new AtomicInteger()).incrementAndGet();
                        Long published = publishedAtNanos.get(d.message().id());
                        long fault = faultNanos.get();
                        if (fault != 0 && published != null && published - fault > 0) {
                            firstDeliveryAfterFault.compareAndSet(0, System.nanoTime());
                        }
                    }));
        }
        this.producer = new Thread(this::publishUntilStopped, "failover-ledger-producer");
        producer.start();
    }

    private void publishUntilStopped() {
        long lastConfirmed = System.nanoTime();
        for (int i = 0; publishing.get(); i++) {
            Message m = Message.builder(topic).text("m-" + i).build();
            long started = System.nanoTime();
            try {
                publisher.publish(m);
                publishedAtNanos.put(m.id(), started);
                confirmed.add(m.id());
                long now = System.nanoTime();
                long fault = faultNanos.get();
                if (fault != 0 && started - fault > 0) {
                    firstPublishAfterFault.compareAndSet(0, now);
                }
                if (fault != 0) {
                    longestGapNanos.accumulateAndGet(now - lastConfirmed, Math::max);
                }
                lastConfirmed = now;
            } catch (MessagingException e) {
                failed.add(m.id());
                if (failures.size() < 5) {
                    failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Notes the moment of the fault: once the master is killed, or as the switch is asked for. */
    void markFault() {
        faultNanos.set(System.nanoTime());
    }

    int confirmed() {
        return confirmed.size();
    }

    /** Confirmed publishes begun after the fault. */
    long confirmedAfterFault() {
        long fault = faultNanos.get();
        return publishedAtNanos.values().stream().filter(t -> t - fault > 0).count();
    }

    boolean deliveredAfterFault() {
        return firstDeliveryAfterFault.get() != 0;
    }

    /**
     * Waits until publishing and delivery went on after the fault (200 confirmed publishes begun after it, one of
     * them delivered), stops publishing, then waits until every confirmed message was handled or, if losses are
     * possible ({@code lossPossible}: no replica acknowledgements), until the count of lost ones no longer changes.
     */
    void awaitRecoveryAndStop(boolean lossPossible, Duration timeout) throws InterruptedException {
        TestSupport.await("confirmed publishes and deliveries on the new master", timeout)
                .until(() -> confirmedAfterFault() >= 200 && deliveredAfterFault());
        stopPublishing();
        if (!lossPossible) {
            TestSupport.await("every confirmed message to be handled", timeout).until(() -> lost() == 0);
        } else {
            // a confirmed message may be gone for good: wait until the count settles (every member idle for the
            // lease's length), then report it
            TestSupport.await("what was replicated to be handled", timeout).pollInterval(Duration.ofSeconds(3))
                    .until(new Settled(this::lost));
        }
    }

    void stopPublishing() throws InterruptedException {
        publishing.set(false);
        producer.join(Duration.ofSeconds(60).toMillis());
        if (producer.isAlive()) {
            throw new IllegalStateException("The producer did not stop within 60 s");
        }
    }

    /** Confirmed messages no member handled (yet). */
    long lost() {
        return confirmed.stream().filter(id -> !handled.containsKey(id)).count();
    }

    /** Handlings beyond the first, over all messages. */
    long duplicates() {
        return handled.values().stream().mapToLong(n -> n.get() - 1).sum();
    }

    long failedPublishes() {
        return failed.size();
    }

    List<String> failures() {
        return failures;
    }

    Duration faultToFirstPublish() {
        return since(firstPublishAfterFault.get());
    }

    Duration faultToFirstDelivery() {
        return since(firstDeliveryAfterFault.get());
    }

    /** The longest time between two confirmed publishes around and after the fault: how long publishing stalled. */
    Duration longestGap() {
        return Duration.ofNanos(longestGapNanos.get());
    }

    private Duration since(long nanos) {
        return nanos == 0 ? null : Duration.ofNanos(nanos - faultNanos.get());
    }

    String summary(String scenario) {
        return String.format("%s: %d confirmed, %d failed publishes, %d confirmed but lost, %d duplicate handlings, "
                + "fault to the first confirmed publish begun after it %s, to the first delivery of such a message %s, "
                + "longest stall of publishing %s%s",
                scenario, confirmed(), failedPublishes(), lost(), duplicates(), millis(faultToFirstPublish()),
                millis(faultToFirstDelivery()), millis(longestGap()), failures.isEmpty() ? "" : "; first failures: " + failures);
    }

    private static String millis(Duration d) {
        return d == null ? "never" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        publishing.set(false);
        TestSupport.closeAll(subscriptions);
    }

    /** True once the value is the same on two polls in a row. */
    private static final class Settled implements java.util.concurrent.Callable<Boolean> {
        private final java.util.function.LongSupplier value;
        private long last = -1;

        Settled(java.util.function.LongSupplier value) {
            this.value = value;
        }

        @Override
        public Boolean call() {
            long now = value.getAsLong();
            boolean same = now == last;
            last = now;
            return same;
        }
    }
}

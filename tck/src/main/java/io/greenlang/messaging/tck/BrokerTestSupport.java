package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract suite of the kit needs around its tests: a fresh default broker per test (made in
 * {@code @BeforeEach}, so subclasses may use their fields in {@link #createBroker}), names no other test uses,
 * latches that are always released, and every broker, subscription or pattern the test made closed after it,
 * newest first. The kits' feature groups reach these through {@link FeatureContract}.
 */
public abstract class BrokerTestSupport {
    private final String run = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final AtomicInteger names = new AtomicInteger();
    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
    private TckTimeouts timeouts;
    private Broker broker;

    /**
     * Returns a new broker connected to the backend under test, with the given extra options (for example
     * {@code codec=msgpack} or {@code max-message-size=1KiB}; see {@link io.greenlang.messaging.BrokerConfig}).
     *
     * <p>All brokers created during one test must reach the same underlying store: the same topics, groups
     * and dead-letter queues, as separate processes connected to one server would. Brokers from different
     * tests may share a store too; the kit never reuses a topic or group name. The kit closes every broker
     * it gets from here.
     *
     * @param options extra broker options; empty for the default broker
     */
    protected abstract Broker createBroker(Map<String, String> options);

    /**
     * The deadlines to use; by default read from {@value TckTimeouts#FACTOR_PROPERTY} or
     * {@value TckTimeouts#FACTOR_ENV}. Override to give a slow backend a larger factor.
     */
    protected TckTimeouts createTimeouts() {
        return TckTimeouts.fromEnvironment();
    }

    @BeforeEach
    final void createDefaultBroker() {
        timeouts = createTimeouts();
        broker = newBroker(Map.of());
    }

    @AfterEach
    final void closeEverything() {
        for (CountDownLatch latch : latches) {
            while (latch.getCount() > 0) {
                latch.countDown();
            }
        }
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("Closing what the test made failed; close must be idempotent "
                    + "and must not throw: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    /** The default broker of the current test, new for every test. */
    protected final Broker broker() {
        return broker;
    }

    /** The deadlines in force. */
    protected final TckTimeouts timeouts() {
        return timeouts;
    }

    /** Another broker on the same store, closed after the test. */
    protected final Broker newBroker(Map<String, String> options) {
        Broker b = createBroker(Map.copyOf(options));
        assertThat(b).as("createBroker(%s) returned null", options).isNotNull();
        return track(b);
    }

    /** Another broker with default options on the same store, closed after the test. */
    protected final Broker newBroker() {
        return newBroker(Map.of());
    }

    /** Closes {@code resource} after the test, in reverse order of tracking (so before its broker). */
    protected final <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A short random id of this test instance, for consumer names and correlation ids. */
    protected final String runId() {
        return run;
    }

    /** A topic name no other test uses: {@code tck-<feature>-<random>-<n>}. */
    protected final String topic(String feature) {
        return "tck-" + feature + "-" + run + "-" + names.incrementAndGet();
    }

    /** A group name no other test uses. */
    protected final String group(String name) {
        return "tck-" + name + "-" + run + "-" + names.incrementAndGet();
    }

    /** A latch of one that is released after the test whatever happens, so that no handler stays blocked. */
    protected final CountDownLatch latch() {
        return latch(1);
    }

    /** A latch of {@code count}, released after the test whatever happens. */
    protected final CountDownLatch latch(int count) {
        CountDownLatch latch = new CountDownLatch(count);
        latches.add(latch);
        return latch;
    }

    /** Skips the test, with the backend's reason, if the backend declares the capability UNSUPPORTED. */
    protected final void assumeCapability(Capability capability) {
        assumeTrue(broker.capabilities().supports(capability),
                () -> "Skipped: backend " + broker.name() + " declares " + capability + " UNSUPPORTED: "
                        + broker.capabilities().reason(capability));
    }

    /** Whether the backend supports the capability natively or emulated. */
    protected final boolean supports(Capability capability) {
        return broker.capabilities().supports(capability);
    }

    /** Subscribes on the default broker; the subscription is closed after the test. */
    protected final Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
        return subscribe(broker, options, handler);
    }

    /** Subscribes on {@code on}; the subscription is closed after the test. */
    protected final Subscription subscribe(Broker on, SubscriptionOptions options, MessageHandler handler) {
        Subscription s = on.subscribe(options, handler);
        assertThat(s).as("subscribe(...) returned null").isNotNull();
        return track(s);
    }

    /**
     * Waits until {@code count} reaches {@code target}, for at most {@link TckTimeouts#bulk()}; fails early,
     * saying where it got stuck, if the count does not move for {@link TckTimeouts#eventually()}.
     */
    protected final void awaitCount(String what, IntSupplier count, int target) {
        long stall = timeouts.eventually().toNanos();
        long[] last = {Long.MIN_VALUE, System.nanoTime()};
        timeouts.awaitBulk(what).until(() -> {
            int n = count.getAsInt();
            long now = System.nanoTime();
            if (n != last[0]) {
                last[0] = n;
                last[1] = now;
            } else if (n < target && now - last[1] > stall) {
                throw new AssertionError("Waiting for " + what + ": stuck at " + n + " of " + target + " for "
                        + timeouts.eventually().toMillis() + " ms. Messages were lost, or are no longer handed over.");
            }
            return n >= target;
        });
    }
}

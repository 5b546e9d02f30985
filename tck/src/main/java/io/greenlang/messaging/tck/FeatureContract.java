package io.greenlang.messaging.tck;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * The base of every feature group of the kits. A group is written as a top-level class (for example
 * {@code RetriesContract}) and run as a {@code @Nested} class of the kit's top class, which hands over its own
 * instance: the instance JUnit made for the test, with the backend's {@code createBroker}. Everything here
 * answers for that instance ({@link BrokerTestSupport}): the test's default broker, its names, deadlines,
 * latches, and the cleanup after the test.
 */
public abstract class FeatureContract {
    private final BrokerTestSupport kit;

    /** @param kit the kit instance running this group's test */
    protected FeatureContract(BrokerTestSupport kit) {
        this.kit = Objects.requireNonNull(kit, "kit");
    }

    /** The default broker of the current test, new for every test. */
    protected final Broker broker() {
        return kit.broker();
    }

    /** The deadlines in force. */
    protected final TckTimeouts timeouts() {
        return kit.timeouts();
    }

    /** Another broker on the same store, closed after the test. */
    protected final Broker newBroker(Map<String, String> options) {
        return kit.newBroker(options);
    }

    /** Another broker with default options on the same store, closed after the test. */
    protected final Broker newBroker() {
        return kit.newBroker();
    }

    /** Closes {@code resource} after the test, in reverse order of tracking (so before its broker). */
    protected final <T extends AutoCloseable> T track(T resource) {
        return kit.track(resource);
    }

    /** A short random id of this test instance, for consumer names and correlation ids. */
    protected final String runId() {
        return kit.runId();
    }

    /** A topic name no other test uses. */
    protected final String topic(String feature) {
        return kit.topic(feature);
    }

    /** A group name no other test uses. */
    protected final String group(String name) {
        return kit.group(name);
    }

    /** A latch of one, released after the test whatever happens, so that no handler stays blocked. */
    protected final CountDownLatch latch() {
        return kit.latch();
    }

    /** A latch of {@code count}, released after the test whatever happens. */
    protected final CountDownLatch latch(int count) {
        return kit.latch(count);
    }

    /** Skips the test, with the backend's reason, if the backend declares the capability UNSUPPORTED. */
    protected final void assumeCapability(Capability capability) {
        kit.assumeCapability(capability);
    }

    /** Whether the backend supports the capability natively or emulated. */
    protected final boolean supports(Capability capability) {
        return kit.supports(capability);
    }

    /** Subscribes on the default broker; the subscription is closed after the test. */
    protected final Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
        return kit.subscribe(options, handler);
    }

    /** Subscribes on {@code on}; the subscription is closed after the test. */
    protected final Subscription subscribe(Broker on, SubscriptionOptions options, MessageHandler handler) {
        return kit.subscribe(on, options, handler);
    }

    /**
     * Waits until {@code count} reaches {@code target}, for at most {@link TckTimeouts#bulk()}; fails early,
     * saying where it got stuck, if the count does not move for {@link TckTimeouts#eventually()}.
     */
    protected final void awaitCount(String what, IntSupplier count, int target) {
        kit.awaitCount(what, count, target);
    }

    /** Keeps the calling handler busy for {@code d}, simulating work. */
    protected static void simulateWork(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

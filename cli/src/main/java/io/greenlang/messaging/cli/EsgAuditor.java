package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's auditor: a result passes if its message's provenance hash verifies with
 * {@link Broker#verifyProvenance}, it carries its task's provenance hash, and its correlation id is its task's
 * message id. {@link #audit} runs on the broker's consumer threads; the other methods may be called from any
 * thread.
 */
final class EsgAuditor {
    private final Broker broker;
    private final AtomicLong passed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final CountDownLatch expected;

    /** @param expected the number of audits that make the run complete */
    EsgAuditor(Broker broker, int expected) {
        this.broker = broker;
        this.expected = new CountDownLatch(expected);
    }

    /** The handler: audits one result. */
    void audit(Delivery delivery) {
        Message m = delivery.message();
        EsgResult result = delivery.body(EsgResult.class);
        boolean ok = broker.verifyProvenance(m)
                && result.taskProvenance().matches("[0-9a-f]{64}")
                && m.correlationId().map(result.taskMessageId()::equals).orElse(false);
        (ok ? passed : failed).incrementAndGet();
        expected.countDown();
    }

    long passed() {
        return passed.get();
    }

    long failed() {
        return failed.get();
    }

    /** How many of the expected audits are still to be done. */
    long remaining() {
        return expected.getCount();
    }

    /** Waits up to {@code nanos} for the expected audits. */
    void await(long nanos) throws InterruptedException {
        expected.await(nanos, TimeUnit.NANOSECONDS);
    }
}

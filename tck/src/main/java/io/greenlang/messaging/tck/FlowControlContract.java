package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code flow-control} group: no more messages are in flight than the limit.
 * {@link BrokerContractTest} runs it as its nested class {@code FlowControl}, so a failure reads
 * {@code FlowControl.required_...}; run this group alone with {@code -Dgroups=flow-control}.
 */
public abstract class FlowControlContract extends BrokerFeature {
    FlowControlContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * With concurrency 8 and maxInFlight 3, never more than 3 handlers run at once, and with 60 messages
     * of ~20 ms each, 3 are reached. If it fails above 3, the runtime does not bound in-flight messages by
     * the smaller of the two settings; if 3 is never reached, it under-uses the allowed parallelism.
     */
    @Test
    void required_neverMoreHandlersThanMaxInFlight() {
        String topic = topic("in-flight");
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger maxReported = new AtomicInteger();
        Subscription[] sub = new Subscription[1];
        Recorder rec = new Recorder(d -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try {
                if (sub[0] != null) {
                    maxReported.accumulateAndGet(sub[0].inFlight(), Math::max);
                }
                simulateWork(Duration.ofMillis(20));
            } finally {
                running.decrementAndGet();
            }
        });
        sub[0] = subscribe(options(topic, group("in-flight")).concurrency(8).maxInFlight(3).build(), rec);
        List<Message> published = texts(topic, "in-flight", 60);
        publishEach(broker(), published);
        awaitCount("60 messages", rec::distinct, 60);
        assertThat(maxRunning.get()).as("most handlers running at once").isLessThanOrEqualTo(3);
        assertThat(maxRunning.get()).as("most handlers running at once, with a backlog of 60").isEqualTo(3);
        assertThat(maxReported.get()).as("largest Subscription.inFlight() seen by a handler")
                .isLessThanOrEqualTo(3);
    }
}

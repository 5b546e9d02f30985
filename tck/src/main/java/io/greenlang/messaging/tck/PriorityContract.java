package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code priority} group: higher priority first in a backlog, without starving lower priorities.
 * {@link BrokerContractTest} runs it as its nested class {@code Priority}, so a failure reads
 * {@code Priority.required_...}; run this group alone with {@code -Dgroups=priority}.
 */
public abstract class PriorityContract extends BrokerFeature {
    PriorityContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * 100 priority-0 messages, then 100 priority-9 ones, wait for a group (concurrency 1). At least 16 of
     * the first 20 deliveries are priority 9 (the bound allows 2 of 20 for the waiting lower priority;
     * the test tolerates 4), and every message is delivered exactly once. If it fails, check that the
     * backend fetches by priority (bands, separate streams) rather than in log order.
     */
    @Test
    void required_higherPriorityIsDeliveredFirstInABacklog() {
        assumeCapability(Capability.PRIORITY);
        List<Integer> priorities = runBacklog("prio-first", 100, 100);
        long highInFirst20 = priorities.subList(0, 20).stream().filter(p -> p == 9).count();
        assertThat(highInFirst20).as("priority-9 deliveries among the first 20 (order: %s)",
                priorities.subList(0, 20)).isGreaterThanOrEqualTo(16);
    }

    /**
     * 50 priority-0 messages, then 400 priority-9 ones: at least 10 priority-0 messages are among the first
     * 200 deliveries (the bound promises 20), and every message is delivered exactly once. If it fails, the backend starves lower priorities: check its anti-starvation rule.
     */
    @Test
    void required_lowerPrioritiesAreNotStarved() {
        assumeCapability(Capability.PRIORITY);
        List<Integer> priorities = runBacklog("prio-starve", 50, 400);
        long lowInFirst200 = priorities.subList(0, 200).stream().filter(p -> p == 0).count();
        assertThat(lowInFirst200).as("priority-0 deliveries among the first 200").isGreaterThanOrEqualTo(10);
    }

    /** Publishes {@code low} priority-0 then {@code high} priority-9 messages as a backlog; returns the delivery order. */
    private List<Integer> runBacklog(String name, int low, int high) {
        String topic = topic(name);
        String group = group(name);
        createGroupWithoutMembers(topic, group);
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < low; i++) {
            messages.add(Message.builder(topic).text("low-" + i).priority(0)
                    .header(SEQUENCE_HEADER, Integer.toString(i)).build());
        }
        for (int i = 0; i < high; i++) {
            messages.add(Message.builder(topic).text("high-" + i).priority(9)
                    .header(SEQUENCE_HEADER, Integer.toString(i)).build());
        }
        publishEach(broker(), messages);
        Recorder rec = new Recorder();
        Subscription sub = subscribe(options(topic, group).concurrency(1).build(), rec);
        awaitCount("the whole backlog", rec::distinct, low + high);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        sub.close();
        assertThat(rec.distinctIds()).containsExactlyInAnyOrderElementsOf(concat(ids(messages), marker));
        assertExactlyOnce(rec, ids(messages), "backlog messages");

        return rec.entries().stream().filter(e -> e.message().header(MARKER_HEADER).isEmpty())
                .map(e -> e.message().priority()).toList();
    }
}

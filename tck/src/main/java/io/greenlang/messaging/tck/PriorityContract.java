package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * A backlog of 2,000 messages (125 times {@code maxInFlight(16)}, so a member reads it in many batches while
     * earlier ones are in flight), every fifth at priority 9 and the others at priority 1, published in that
     * interleaved order, then consumed by one member with {@code concurrency(4)}. Of the first 300 hand-overs,
     * the 1-in-10 rule gives 270 (90%) to priority 9, whose 400 messages last for about the first 444; at least
     * 240 (80%) must be, and at least 15 (half the 30 the rule promises) must be priority 1, which still
     * progresses. Every message is handled exactly once.
     *
     * <p>The margin of 30 below the rule's 270 is for what a correct backend does on a loaded machine: four
     * handlers entering in a slightly different order than their messages were handed out, and a member that
     * begins serving before every band's first fetch has come back. If it fails with about half priority 9, the
     * backend applies the rule only to what one read fetched: a read takes a batch of every band and the batch
     * of the lower band is handed out while the higher band waits in the broker. Fetch each band only as far as
     * the next hand-outs will take it.
     */
    @Test
    void required_higherPriorityFirstThroughABacklogOfManyReads() {
        assumeCapability(Capability.PRIORITY);
        String topic = topic("prio-scale");
        String group = group("prio-scale");
        List<Message> backlog = new ArrayList<>();
        for (int i = 0; i < 125 * SCALE_IN_FLIGHT; i++) {
            backlog.add(Message.builder(topic).text("m-" + i).priority(i % 5 == 0 ? 9 : 1)
                    .header(SEQUENCE_HEADER, Integer.toString(i)).build());
        }
        publishBacklog(topic, group, backlog);
        Recorder rec = new Recorder();
        Subscription sub = subscribe(options(topic, group).concurrency(4).maxInFlight(SCALE_IN_FLIGHT).build(), rec);
        awaitCount("the backlog of " + backlog.size(), rec::distinct, backlog.size());
        sub.close();
        assertExactlyOnce(rec, ids(backlog), "backlog messages");

        List<Integer> first = rec.entries().stream().limit(300).map(e -> e.message().priority()).toList();
        long high = first.stream().filter(p -> p == 9).count();
        assertThat(high).as("priority-9 hand-overs among the first 300 of a 20/80 backlog (the rule allows 270; "
                + "the first 100: %s)", first.subList(0, 100)).isGreaterThanOrEqualTo(240);
        assertThat(first.size() - high).as("priority-1 hand-overs among the first 300 (the rule promises 30)")
                .isGreaterThanOrEqualTo(15);
    }

    /**
     * Four members of one group (each its own broker, with {@code concurrency(2)}, {@code maxInFlight(16)} and
     * 1 ms of work per message) start together on a backlog of 2,400 messages in three bands, published
     * interleaved: 20% priority 8, 30% priority 5, 50% priority 2. Taking the hand-overs of all members in the
     * order their handlers were entered: every message is handled exactly once; of the first 300, at least 240
     * (80%) are priority 8 (each member's rule gives 90%, with the margin of
     * {@link #required_higherPriorityFirstThroughABacklogOfManyReads}) and at least 15 are of the lower
     * priorities together (the rule promises 30); priority 2 is handed over before the last priority 8, so the
     * lowest band is not starved while the highest has a backlog; and on average priority 8 is handled before
     * priority 5, and priority 5 before priority 2. If it fails, check that each member keeps the rule over what
     * the others leave it, not only over one read.
     *
     * <p>The lower bands are counted together among the first 300: which of them takes a turn depends on whose
     * next message is the oldest among what a member holds, and on Kafka on which partitions the member owns
     * while the group settles. For the same reason the kit does not ask the lowest band itself for a turn before
     * the highest is done: on Kafka with four members the middle band took every lower turn in one run of three (the
     * first priority-2 hand-over came 7 after the last priority 8).
     */
    @Test
    void required_fourMembersServeALargeMixedBacklogHigherPriorityFirst() {
        assumeCapability(Capability.PRIORITY);
        assumeCapability(Capability.CONSUMER_GROUPS);
        String topic = topic("prio-members");
        String group = group("prio-members");
        int[] pattern = {8, 2, 5, 2, 5, 8, 2, 5, 2, 2};
        List<Message> backlog = new ArrayList<>();
        for (int i = 0; i < 150 * SCALE_IN_FLIGHT; i++) {
            backlog.add(Message.builder(topic).text("m-" + i).priority(pattern[i % pattern.length])
                    .header(SEQUENCE_HEADER, Integer.toString(i)).build());
        }
        publishBacklog(topic, group, backlog);
        List<Recorder> members = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Recorder r = new Recorder(d -> simulateWork(Duration.ofMillis(1)));
            members.add(r);
            subs.add(subscribe(newBroker(), options(topic, group).consumerName("member-" + i + "-" + runId())
                    .concurrency(2).maxInFlight(SCALE_IN_FLIGHT).build(), r));
        }
        awaitCount("the backlog of " + backlog.size() + " across four members",
                () -> members.stream().mapToInt(Recorder::size).sum(), backlog.size());
        subs.forEach(Subscription::close);

        List<Recorder.Entry> all = new ArrayList<>();
        members.forEach(m -> all.addAll(m.entries()));
        all.sort(Comparator.comparingLong(Recorder.Entry::nanoTime));
        Map<String, Integer> handOvers = new HashMap<>();
        all.forEach(e -> handOvers.merge(e.id(), 1, Integer::sum));
        assertThat(handOvers.keySet()).as("messages handed over").containsExactlyInAnyOrderElementsOf(ids(backlog));
        assertThat(handOvers).as("hand-overs per message across the group's members").allSatisfy(
                (id, count) -> assertThat(count).as("hand-overs of %s", id).isEqualTo(1));

        List<Integer> order = all.stream().map(e -> e.message().priority()).toList();
        List<Integer> first = order.subList(0, 300);
        long high = first.stream().filter(p -> p == 8).count();
        assertThat(high).as("priority-8 hand-overs among the first 300 of the group (the rule allows 270; "
                + "hand-overs per member: %s)", members.stream().map(Recorder::size).toList())
                .isGreaterThanOrEqualTo(240);
        assertThat(first.size() - high).as("priority-5 and priority-2 hand-overs among the first 300 (the rule "
                + "promises 30)").isGreaterThanOrEqualTo(15);
        double highMean = meanPosition(order, 8);
        double middle = meanPosition(order, 5);
        double low = meanPosition(order, 2);
        assertThat(highMean).as("mean position of priority 8 (priority 5: %.0f, priority 2: %.0f)", middle, low)
                .isLessThan(middle);
        assertThat(middle).as("mean position of priority 5 (priority 2: %.0f)", low).isLessThan(low);
    }

    /** The mean index in {@code order} of the hand-overs of {@code priority}. */
    private static double meanPosition(List<Integer> order, int priority) {
        long sum = 0;
        int n = 0;
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) == priority) {
                sum += i;
                n++;
            }
        }
        return (double) sum / n;
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

package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code ordering} group: with ordering on, messages with one key are handled in publish order.
 * {@link BrokerContractTest} runs it as its nested class {@code Ordering}, so a failure reads
 * {@code Ordering.required_...}; run this group alone with {@code -Dgroups=ordering}.
 */
public abstract class OrderingContract extends BrokerFeature {
    OrderingContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * With {@code ordered(true)} and concurrency 4, five keys with 200 messages each (interleaved) are
     * handled in publish order per key, each once. If it fails, check that the consumer runtime serialises
     * messages per key (per-key queues or partition affinity) while still running keys in parallel.
     */
    @Test
    void required_orderedSubscriptionHandlesEachKeyInPublishOrder() {
        assumeCapability(Capability.ORDERING_BY_KEY);
        Map<String, List<Integer>> handled = runOrdered("ordered", null);
        handled.forEach((key, seqs) -> assertThat(seqs).as("sequence numbers handled for key %s", key)
                .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList()));
    }

    /**
     * The same with one message (key-2, number 100) failing once: it is retried in place, and the key's
     * later messages wait for it, so the key's hand-overs are 0..100, 100 again, 101..199. If it fails,
     * check that a retry of an ordered message holds back its key instead of going to a separate retry
     * queue.
     */
    @Test
    void required_retryInTheMiddleKeepsTheKeysOrder() {
        assumeCapability(Capability.ORDERING_BY_KEY);
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        Map<String, List<Integer>> handled = runOrdered("ordered-retry", "key-2");
        handled.forEach((key, seqs) -> {
            List<Integer> expected = new ArrayList<>(IntStream.range(0, 200).boxed().toList());
            if (key.equals("key-2")) {
                expected.add(101, 100);
            }
            assertThat(seqs).as("hand-overs (failed ones included) for key %s", key)
                    .containsExactlyElementsOf(expected);
        });
    }

    private Map<String, List<Integer>> runOrdered(String name, String failingKey) {
        String topic = topic(name);
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        AtomicBoolean failed = new AtomicBoolean();
        Recorder rec = new Recorder(d -> {
            Message m = d.message();
            if (m.header(MARKER_HEADER).isPresent()) {
                return;
            }
            String key = m.key().orElseThrow();
            int seq = Integer.parseInt(m.header(SEQUENCE_HEADER).orElseThrow());
            handled.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
            Thread.yield();
            if (key.equals(failingKey) && seq == 100 && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("fails once, in the middle");
            }
        });
        Subscription sub = subscribe(options(topic, group(name)).ordered(true).concurrency(4).build(), rec);
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            for (int k = 0; k < 5; k++) {
                messages.add(Message.builder(topic).text("key-" + k + "/" + i).key("key-" + k)
                        .header(SEQUENCE_HEADER, Integer.toString(i)).build());
            }
        }
        publishEach(broker(), messages);
        awaitCount("1000 ordered messages", rec::distinct, 1000);
        publishMarkerAndAwait(broker(), topic, rec);
        sub.close();
        assertThat(handled).as("keys handled").containsOnlyKeys("key-0", "key-1", "key-2", "key-3", "key-4");
        Map<String, List<Integer>> copy = new LinkedHashMap<>();
        handled.forEach((k, v) -> {
            synchronized (v) {
                copy.put(k, List.copyOf(v));
            }
        });
        return copy;
    }

    /**
     * A backlog of 8 keys with 60 messages each (480, 30 times {@code maxInFlight(16)}), published before the
     * member joins, is handled with ordering on and concurrency 4 in publish order per key, each message once.
     * The member reads the backlog in many batches while earlier ones are still in flight: if it fails, check
     * that a later read cannot overtake a key's messages still buffered or running from an earlier read.
     */
    @Test
    void required_orderedBacklogFarLargerThanOneReadKeepsEachKeysOrder() {
        assumeCapability(Capability.ORDERING_BY_KEY);
        runOrderedBacklog("ordered-backlog").assertEachKeyInPublishOrderOnce();
    }

    /**
     * Three ordered members of one group (each its own broker, as separate processes would be; concurrency 2,
     * {@code maxInFlight(4)}) share 480 messages of 12 keys, published once all have joined; after 160 hand-overs
     * one member closes, giving up what it holds. Each key's messages are handled in publish order, one at a time
     * across the whole group, each once, and at least two members take part. If it fails, check that a key's later
     * message cannot go to another member while an earlier one is still buffered or running in the first (key or
     * partition affinity), and that what a closing member gives up goes back in order.
     */
    @Test
    void required_orderedMembersKeepEachKeysOrderAcrossTheGroup() {
        assumeCapability(Capability.ORDERING_BY_KEY_ACROSS_MEMBERS);
        int keys = 12;
        int perKey = 40;
        String topic = topic("ordered-members");
        String group = group("ordered-members");
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
        List<Recorder> members = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder rec = new Recorder(d -> {
                Message m = d.message();
                String key = m.key().orElseThrow();
                int seq = Integer.parseInt(m.header(SEQUENCE_HEADER).orElseThrow());
                AtomicInteger runningForKey = running.computeIfAbsent(key, k -> new AtomicInteger());
                if (runningForKey.incrementAndGet() > 1) {
                    overlaps.add(key + "/" + seq);
                }
                handled.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
                simulateWork(Duration.ofMillis(2)); // long enough for another member to overtake, if it can
                runningForKey.decrementAndGet();
            });
            members.add(rec);
            subs.add(subscribe(newBroker(), options(topic, group).consumerName("member-" + i + "-" + runId())
                    .ordered(true).concurrency(2).maxInFlight(4).build(), rec));
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                messages.add(Message.builder(topic).text("key-" + k + "/" + i).key("key-" + k)
                        .header(SEQUENCE_HEADER, Integer.toString(i)).build());
            }
        }
        assertThat(broker().publishAll(messages)).as("results of publishing").hasSize(messages.size());
        awaitCount("160 hand-overs before a member closes", () -> members.stream().mapToInt(Recorder::size).sum(),
                160);
        subs.get(0).close();
        awaitCount(messages.size() + " ordered messages across the members",
                () -> members.stream().mapToInt(Recorder::size).sum(), messages.size());

        List<Integer> expected = IntStream.range(0, perKey).boxed().toList();
        assertThat(handled).as("keys handled").hasSize(keys);
        handled.forEach((key, seqs) -> {
            synchronized (seqs) {
                assertThat(seqs).as("sequence numbers handed over for %s across the group's members, in the order "
                        + "handlers were entered", key).containsExactlyElementsOf(expected);
            }
        });
        assertThat(overlaps).as("messages whose handler started while another of the same key still ran").isEmpty();
        assertThat(members).filteredOn(r -> r.size() > 0).as("members that took part, of 3 (hand-overs each: %s)",
                members.stream().map(Recorder::size).toList()).hasSizeGreaterThanOrEqualTo(2);
    }

    /** What {@link #runOrderedBacklog} saw: the sequence numbers handed over per key. */
    private record OrderedBacklog(int keys, int perKey, Map<String, List<Integer>> handled) {
        int total() {
            return keys * perKey;
        }

        void assertEachKeyInPublishOrderOnce() {
            List<Integer> expected = IntStream.range(0, perKey).boxed().toList();
            assertThat(handled).as("keys handled").hasSize(keys);
            handled.forEach((key, seqs) -> assertThat(seqs).as("sequence numbers handed over for %s, in the order "
                    + "handlers were entered (a backlog of %d, maxInFlight %d)", key, total(), SCALE_IN_FLIGHT)
                    .containsExactlyElementsOf(expected));
        }
    }

    private OrderedBacklog runOrderedBacklog(String name) {
        int keys = 8;
        int perKey = 60;
        String topic = topic(name);
        String group = group(name);
        List<Message> backlog = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                backlog.add(Message.builder(topic).text("key-" + k + "/" + i).key("key-" + k)
                        .header(SEQUENCE_HEADER, Integer.toString(i)).build());
            }
        }
        publishBacklog(topic, group, backlog);
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Recorder rec = new Recorder(d -> {
            Message m = d.message();
            handled.computeIfAbsent(m.key().orElseThrow(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(m.header(SEQUENCE_HEADER).orElseThrow()));
            simulateWork(Duration.ofMillis(1)); // long enough for a later message of the key to overtake, if it can
        });
        Subscription sub = subscribe(options(topic, group).ordered(true).concurrency(4).maxInFlight(SCALE_IN_FLIGHT)
                .build(), rec);
        awaitCount(backlog.size() + " ordered messages of the backlog", rec::distinct, backlog.size());
        sub.close();
        Map<String, List<Integer>> copy = new LinkedHashMap<>();
        handled.forEach((k, v) -> {
            synchronized (v) {
                copy.put(k, List.copyOf(v));
            }
        });
        return new OrderedBacklog(keys, perKey, copy);
    }
}

package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code groups} group: every group gets every message; members of one group share them.
 * {@link BrokerContractTest} runs it as its nested class {@code Groups}, so a failure reads
 * {@code Groups.required_...}; run this group alone with {@code -Dgroups=groups}.
 */
public abstract class GroupsContract extends BrokerFeature {
    GroupsContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * Three groups on one topic each get every message once (pub-sub fan-out). If it fails, check that a
     * backend keeps one cursor (consumer group, offsets) per group.
     */
    @Test
    void required_everyGroupGetsEveryMessage() {
        assumeCapability(Capability.CONSUMER_GROUPS);
        String topic = topic("fanout");
        List<Recorder> recs = List.of(new Recorder(), new Recorder(), new Recorder());
        for (Recorder r : recs) {
            subscribe(options(topic, group("fanout")).build(), r);
        }
        List<Message> published = texts(topic, "fan", 20);
        publishEach(broker(), published);
        String marker = publishMarkerAndAwait(broker(), topic, recs.toArray(new Recorder[0]));
        for (Recorder r : recs) {
            assertThat(r.ids()).as("one group's hand-overs")
                    .containsExactlyInAnyOrderElementsOf(concat(ids(published), marker));
        }
    }

    /**
     * Inside one group with three live members each message goes to exactly one member (competing
     * consumers) and, with 300 messages, each member gets some. If it fails with duplicates, members do not
     * share the group's cursor; if a member gets none, the backend does not spread work (check prefetch
     * and fetch fairness).
     */
    @Test
    void required_eachMessageGoesToExactlyOneMemberOfAGroup() {
        assumeCapability(Capability.CONSUMER_GROUPS);
        String topic = topic("compete");
        String group = group("compete");
        List<Recorder> members = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder r = new Recorder(d -> simulateWork(Duration.ofMillis(1)));
            members.add(r);
            subs.add(subscribe(options(topic, group).consumerName("member-" + i + "-" + runId()).maxInFlight(2)
                    .build(), r));
        }
        List<Message> published = texts(topic, "work", 300);
        publishEach(broker(), published);
        awaitCount("300 messages spread over three members",
                () -> (int) members.stream().flatMap(r -> r.distinctIds().stream()).distinct().count(), 300);
        subs.forEach(Subscription::close);

        Map<String, Integer> total = new HashMap<>();
        for (Recorder r : members) {
            for (String id : r.ids()) {
                total.merge(id, 1, Integer::sum);
            }
        }
        assertThat(total.keySet()).containsExactlyInAnyOrderElementsOf(ids(published));
        assertThat(total).as("hand-overs per message across the group's members").allSatisfy(
                (id, count) -> assertThat(count).as("hand-overs of %s", id).isEqualTo(1));
        for (int i = 0; i < members.size(); i++) {
            assertThat(members.get(i).size()).as("messages member %d got out of 300", i).isPositive();
        }
    }

    /**
     * A new group that starts at LATEST (the default) does not get messages published before it was
     * created. If it fails, check where the backend positions a new group's cursor.
     */
    @Test
    void required_newGroupAtLatestMissesOlderMessages() {
        String topic = topic("latest");
        Message old = text(topic, "before the group");
        broker().publish(old);
        Recorder rec = new Recorder();
        subscribe(options(topic, group("latest")).build(), rec);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).as("hand-overs to a group created after the first message").containsExactly(marker);
    }

    /**
     * A new group that starts at EARLIEST gets the retained history, then new messages. If it fails, check
     * how {@code StartPosition.EARLIEST} maps to the backend's "from the beginning".
     */
    @Test
    void required_newGroupAtEarliestGetsRetainedHistory() {
        assumeCapability(Capability.START_FROM_EARLIEST);
        String topic = topic("earliest");
        List<Message> history = texts(topic, "history", 3);
        publishEach(broker(), history);
        Recorder rec = new Recorder();
        subscribe(options(topic, group("earliest")).startPosition(StartPosition.EARLIEST).build(), rec);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(concat(ids(history), marker));
    }

    /**
     * Messages published while a group exists but has no live member (subscribed once, then closed) wait
     * for it and are delivered when a member joins. If it fails, check that closing a subscription does not
     * delete the group or move its cursor to the end.
     */
    @Test
    void required_messagesWaitForAGroupWithoutLiveMembers() {
        String topic = topic("waiting");
        String group = group("waiting");
        createGroupWithoutMembers(topic, group);
        List<Message> waiting = texts(topic, "waiting", 5);
        publishEach(broker(), waiting);
        Recorder rec = new Recorder();
        subscribe(options(topic, group).build(), rec);
        timeouts().await("messages published while the group had no member").until(() -> rec.hasAll(ids(waiting)));
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(concat(ids(waiting), marker));
    }

    /**
     * Four members of one group (each its own broker, as separate processes would be, with concurrency 2 and
     * {@code maxInFlight(16)}) share a backlog of 640 messages (40 times the in-flight limit) that lands in one
     * batch once they have all joined, and in which every 20th message fails once: every message is handled
     * exactly once, the failing ones exactly twice (attempt 1, then 2, on any member), none is lost, the work
     * is spread, and nothing is handed over again after the members close, not even to a new member. If it
     * fails with duplicates, check that members reading the backlog in batches at the same time cannot take the
     * same entry; if fewer than three members get work, check that one member's reads leave work for the
     * others (bounded by its in-flight limit).
     *
     * <p>"Spread" means at least three of the four members take part, not all four: on Kafka a group's members
     * share a topic by its partitions, three per topic by default, so a fourth member waits for one.
     */
    @Test
    void required_fourMembersShareALargeBacklogEachMessageOnce() {
        assumeCapability(Capability.CONSUMER_GROUPS);
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        String topic = topic("four-members");
        String group = group("four-members");
        List<Message> backlog = texts(topic, "four-members", 40 * SCALE_IN_FLIGHT);
        Set<String> failOnce = new HashSet<>();
        for (int i = 5; i < backlog.size(); i += 20) {
            failOnce.add(backlog.get(i).id());
        }
        List<Recorder> members = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Recorder r = new Recorder(d -> {
                if (failOnce.contains(d.message().id()) && d.attempt() == 1) {
                    throw new IllegalStateException("fails once");
                }
                simulateWork(Duration.ofMillis(2));
            });
            members.add(r);
            subs.add(subscribe(newBroker(), options(topic, group).consumerName("member-" + i + "-" + runId())
                    .concurrency(2).maxInFlight(SCALE_IN_FLIGHT).build(), r));
        }
        assertThat(broker().publishAll(backlog)).hasSize(backlog.size());
        int handOvers = backlog.size() + failOnce.size();
        awaitCount(handOvers + " hand-overs of the backlog across four members",
                () -> members.stream().mapToInt(Recorder::size).sum(), handOvers);
        subs.forEach(Subscription::close);

        Map<String, List<Integer>> attempts = new HashMap<>();
        for (Recorder r : members) {
            for (Recorder.Entry e : r.entries()) {
                attempts.computeIfAbsent(e.id(), id -> new ArrayList<>()).add(e.attempt());
            }
        }
        assertThat(attempts.keySet()).as("messages handed over").containsExactlyInAnyOrderElementsOf(ids(backlog));
        attempts.values().forEach(Collections::sort);
        for (Message m : backlog) {
            assertThat(attempts.get(m.id())).as("attempts of the hand-overs of %s in the group", m.payloadAsString())
                    .containsExactlyElementsOf(failOnce.contains(m.id()) ? List.of(1, 2) : List.of(1));
        }
        assertThat(members).filteredOn(r -> r.size() > 0).as("members that took part, of 4 (hand-overs each: %s)",
                members.stream().map(Recorder::size).toList()).hasSizeGreaterThanOrEqualTo(3);

        Recorder next = new Recorder();
        subscribe(options(topic, group).build(), next);
        String marker = publishMarkerAndAwait(broker(), topic, next);
        assertThat(next.ids()).as("hand-overs to a new member after every message was settled").containsExactly(marker);
        assertThat(members.stream().mapToInt(Recorder::size).sum()).as("hand-overs to the four members")
                .isEqualTo(handOvers);
    }
}

package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code dead-letters} group: dead letters can be counted, listed, replayed and purged.
 * {@link BrokerContractTest} runs it as its nested class {@code DeadLetters}, so a failure reads
 * {@code DeadLetters.required_...}; run this group alone with {@code -Dgroups=dead-letters}.
 */
public abstract class DeadLettersContract extends BrokerFeature {
    DeadLettersContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * Three failed messages: {@code count()} is 3, {@code list(max)} returns them oldest first and respects
     * {@code max}, {@code purge()} returns 3 and empties the queue; another group's queue stays empty. If
     * it fails, check the dead-letter store's keys (per topic and group) and its ordering.
     */
    @Test
    void required_deadLettersCanBeCountedListedAndPurged() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("dlq");
        String group = group("dlq");
        Recorder rec = new Recorder(d -> {
            throw new IllegalArgumentException("bad " + d.message().payloadAsString());
        });
        subscribe(options(topic, group).retryPolicy(RetryPolicy.noRetries()).build(), rec);
        List<Message> failing = texts(topic, "failing", 3);
        publishEach(broker(), failing);

        DeadLetterQueue dlq = broker().deadLetters(topic, group);
        assertThat(dlq.topic()).isEqualTo(topic);
        assertThat(dlq.group()).isEqualTo(group);
        timeouts().await("three dead letters").untilAsserted(() -> assertThat(dlq.count()).isEqualTo(3));
        assertThat(dlq.list(10)).extracting(dl -> dl.message().id()).as("list(10), oldest first")
                .containsExactlyElementsOf(ids(failing));
        assertThat(dlq.list(2)).extracting(dl -> dl.message().id()).as("list(2)")
                .containsExactlyElementsOf(ids(failing).subList(0, 2));
        assertThat(dlq.list(10)).allSatisfy(dl -> {
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(dl.attempts()).isEqualTo(1);
            assertThat(dl.exceptionClass()).hasValue(IllegalArgumentException.class.getName());
            assertThat(dl.exceptionMessage()).isEqualTo("bad " + dl.message().payloadAsString());
        });
        assertThat(dlq.list(10)).extracting(DeadLetter::id).doesNotHaveDuplicates();
        assertThat(broker().deadLetters(topic, group("other")).count()).as("another group's queue").isZero();
        assertThat(newBroker(Map.of()).deadLetters(topic, group).count()).as("count seen from another broker")
                .isEqualTo(3);

        assertThat(dlq.purge()).as("purge() returns how many it removed").isEqualTo(3);
        assertThat(dlq.count()).isZero();
        assertThat(dlq.list(10)).isEmpty();
        assertThat(dlq.purge()).isZero();
    }

    /**
     * Two groups on one topic, only group A's handler fails (the first time). Replaying A's dead letter by id
     * delivers the message again to A, as attempt 1, and not to B; the replayed dead letter leaves the queue
     * and cannot be replayed twice. If it fails, check that replay targets the failed group only (for
     * example a per-group retry stream, not a re-publish to the topic).
     */
    @Test
    void required_replayByIdDeliversAgainToTheFailedGroupOnly() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("replay");
        String groupA = group("replay-a");
        String groupB = group("replay-b");
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        Recorder recA = new Recorder(d -> {
            if (d.message().header(MARKER_HEADER).isEmpty() && failedOnce.add(d.message().id())) {
                throw new IllegalStateException("A fails the first time");
            }
        });
        Recorder recB = new Recorder();
        subscribe(options(topic, groupA).retryPolicy(RetryPolicy.noRetries()).build(), recA);
        subscribe(options(topic, groupB).build(), recB);
        Message m = text(topic, "replay me");
        broker().publish(m);

        DeadLetterQueue dlqA = broker().deadLetters(topic, groupA);
        DeadLetter dl = awaitSingleDeadLetter(dlqA);
        timeouts().await("group B to get the message").until(() -> recB.has(m.id()));
        assertThat(broker().deadLetters(topic, groupB).count()).as("group B's dead letters").isZero();

        assertThat(dlqA.replay(dl.id())).as("replay(id) of an existing dead letter").isTrue();
        timeouts().await("the replayed message to reach group A").until(() -> recA.count(m.id()) >= 2);
        assertThat(recA.entries(m.id()).get(1).attempt()).as("attempt of a replayed message").isEqualTo(1);
        assertThat(withoutHash(recA.entries(m.id()).get(1).message())).isEqualTo(m);
        assertThat(dlqA.count()).as("dead letters of A after the replay").isZero();
        assertThat(dlqA.replay(dl.id())).as("replaying the same dead letter again").isFalse();

        publishMarkerAndAwait(broker(), topic, recA, recB);
        assertThat(recA.count(m.id())).as("hand-overs to group A: the failure and the replay").isEqualTo(2);
        assertThat(recB.count(m.id())).as("hand-overs to group B, which never failed").isEqualTo(1);
    }

    /**
     * {@code replay(max)} replays the oldest {@code max} dead letters and returns how many; the rest stay.
     * If it fails, check the ordering and the count returned by bulk replay.
     */
    @Test
    void required_replayMaxReplaysTheOldestFirst() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("replay-max");
        String group = group("replay-max");
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        Recorder rec = new Recorder(d -> {
            if (failedOnce.add(d.message().id())) {
                throw new IllegalStateException("first time fails");
            }
        });
        subscribe(options(topic, group).retryPolicy(RetryPolicy.noRetries()).build(), rec);
        List<Message> failing = texts(topic, "replay-max", 3);
        publishEach(broker(), failing);
        DeadLetterQueue dlq = broker().deadLetters(topic, group);
        timeouts().await("three dead letters").untilAsserted(() -> assertThat(dlq.count()).isEqualTo(3));

        assertThat(dlq.replay(2)).as("replay(2) with three dead letters").isEqualTo(2);
        timeouts().await("the two oldest to come back").until(
                () -> rec.count(failing.get(0).id()) == 2 && rec.count(failing.get(1).id()) == 2);
        assertThat(dlq.list(10)).extracting(dl -> dl.message().id()).containsExactly(failing.get(2).id());
        assertThat(dlq.replay(5)).as("replay(5) with one dead letter left").isEqualTo(1);
        timeouts().await("the last one to come back").until(() -> rec.count(failing.get(2).id()) == 2);
        assertThat(dlq.count()).isZero();
        assertThat(dlq.replay(5)).isZero();
    }

    /**
     * A backlog of 400 messages (25 times {@code maxInFlight(16)}) read with concurrency 4, in which every 4th
     * message always fails: all 100 are dead-lettered after their third attempt, each once, none lost, and the
     * queue lists every one; {@code replay(max)} then brings all 100 back to the group as attempt 1 (the handler
     * now succeeds), the queue empties, and nothing is handed over again, not even to a new member. If it
     * fails, check that dead-lettering while the member reads the backlog in batches writes one record per
     * message and settles its entry, and that bulk replay moves each dead letter exactly once.
     */
    @Test
    void required_manyDeadLettersFromALargeBacklogAreKeptListedAndReplayedOnce() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("dlq-backlog");
        String group = group("dlq-backlog");
        List<Message> backlog = texts(topic, "dlq-backlog", 25 * SCALE_IN_FLIGHT);
        Set<String> failing = new HashSet<>();
        for (int i = 3; i < backlog.size(); i += 4) {
            failing.add(backlog.get(i).id());
        }
        publishBacklog(topic, group, backlog);
        AtomicBoolean healed = new AtomicBoolean();
        Recorder rec = new Recorder(d -> {
            if (!healed.get() && failing.contains(d.message().id())) {
                throw new IllegalStateException("boom " + d.attempt());
            }
        });
        Subscription sub = subscribe(options(topic, group).concurrency(4).maxInFlight(SCALE_IN_FLIGHT).build(), rec);

        DeadLetterQueue dlq = broker().deadLetters(topic, group);
        awaitCount(failing.size() + " dead letters", () -> (int) dlq.count(), failing.size());
        int firstRound = backlog.size() + 2 * failing.size();
        awaitCount(firstRound + " hand-overs before the replay", rec::size, firstRound);
        List<DeadLetter> letters = dlq.list(2 * backlog.size());
        assertThat(letters).extracting(dl -> dl.message().id()).as("the dead letters' messages, each once")
                .containsExactlyInAnyOrderElementsOf(failing);
        assertThat(letters).extracting(DeadLetter::id).doesNotHaveDuplicates();
        assertThat(letters).allSatisfy(dl -> {
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(dl.attempts()).as("attempts of %s", dl.message().payloadAsString()).isEqualTo(3);
            assertThat(dl.group()).isEqualTo(group);
        });

        healed.set(true);
        assertThat(dlq.replay(2 * backlog.size())).as("replay(max) of %d dead letters", failing.size())
                .isEqualTo(failing.size());
        awaitCount("the replayed messages to come back", rec::size, firstRound + failing.size());
        assertThat(dlq.count()).as("dead letters left after replaying all").isZero();
        sub.close();
        for (Message m : backlog) {
            List<Integer> attempts = rec.entries(m.id()).stream().map(Recorder.Entry::attempt).toList();
            assertThat(attempts).as("attempt() of each hand-over of %s", m.payloadAsString())
                    .containsExactlyElementsOf(failing.contains(m.id()) ? List.of(1, 2, 3, 1) : List.of(1));
        }

        Recorder next = new Recorder();
        subscribe(options(topic, group).build(), next);
        String marker = publishMarkerAndAwait(broker(), topic, next);
        assertThat(next.ids()).as("hand-overs to a new member after every message was settled").containsExactly(marker);
        assertThat(rec.size()).as("hand-overs to the first member").isEqualTo(firstRound + failing.size());
    }
}

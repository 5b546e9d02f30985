package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.RetryPolicy;

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
}

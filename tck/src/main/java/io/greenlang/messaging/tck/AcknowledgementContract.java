package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code acks} group: acknowledged messages are never delivered again.
 * {@link BrokerContractTest} runs it as its nested class {@code Acknowledgement}, so a failure reads
 * {@code Acknowledgement.required_...}; run this group alone with {@code -Dgroups=acks}.
 */
public abstract class AcknowledgementContract extends BrokerFeature {
    AcknowledgementContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * Messages a member handled successfully are not handed over again when it closes and a new member of
     * the same group starts. If it fails, check that a normal return acknowledges (XACK, offset commit)
     * before or during close.
     */
    @Test
    void required_acknowledgedMessagesAreNotRedeliveredToANewMember() {
        String topic = topic("acked");
        String group = group("acked");
        Recorder first = new Recorder();
        Subscription sub = subscribe(options(topic, group).build(), first);
        List<Message> published = texts(topic, "acked", 5);
        publishEach(broker(), published);
        timeouts().await("five messages").until(() -> first.hasAll(ids(published)));
        sub.close();
        Recorder second = new Recorder();
        subscribe(options(topic, group).build(), second);
        String marker = publishMarkerAndAwait(broker(), topic, second);
        assertThat(second.ids()).as("hand-overs to the new member").containsExactly(marker);
        assertThat(first.ids()).as("hand-overs to the first member")
                .containsExactlyInAnyOrderElementsOf(ids(published));
    }

    /**
     * The same across a restart of the consumer: a member on one broker connection handles messages, that
     * broker is closed, and a member on a new connection gets none of them again. If it fails, check that
     * acknowledgements reach the server before {@code Broker.close()} returns.
     */
    @Test
    void required_acknowledgedMessagesAreNotRedeliveredAfterARestart() {
        String topic = topic("restart");
        String group = group("restart");
        Broker before = newBroker(Map.of());
        Recorder first = new Recorder();
        subscribe(before, options(topic, group).build(), first);
        List<Message> published = texts(topic, "restart", 5);
        publishEach(broker(), published);
        timeouts().await("five messages").until(() -> first.hasAll(ids(published)));
        before.close();

        Broker after = newBroker(Map.of());
        Recorder second = new Recorder();
        subscribe(after, options(topic, group).build(), second);
        String marker = publishMarkerAndAwait(broker(), topic, second);
        assertThat(second.ids()).as("hand-overs after the restart").containsExactly(marker);
        assertThat(first.ids()).containsExactlyInAnyOrderElementsOf(ids(published));
    }

    /**
     * A handler that releases ({@code Delivery.release()}) the first hand-over of each of 10 messages gets each again
     * with the same attempt, and the release settles the delivery: the handler's return does not acknowledge it,
     * nothing is retried or dead-lettered, and after the second hand-over (acknowledged) nothing comes again. If it
     * fails, check that the runtime hands a released record back to its source without raising the attempt.
     */
    @Test
    void required_releasedDeliveryComesBackWithTheSameAttempt() {
        String topic = topic("release");
        String group = group("release");
        Set<String> released = ConcurrentHashMap.newKeySet();
        Set<String> unsettledAfterRelease = ConcurrentHashMap.newKeySet();
        Recorder rec = new Recorder(d -> {
            if (released.add(d.message().id())) {
                d.release();
                if (!d.isSettled()) {
                    unsettledAfterRelease.add(d.message().id());
                }
            }
        });
        subscribe(options(topic, group).build(), rec);
        List<Message> published = texts(topic, "release", 10);
        publishEach(broker(), published);
        timeouts().await("every released message to come again")
                .until(() -> published.stream().allMatch(m -> rec.count(m.id()) >= 2));
        publishMarkerAndAwait(broker(), topic, rec);

        assertThat(unsettledAfterRelease).as("deliveries whose isSettled() was false after release()").isEmpty();
        for (Message m : published) {
            assertThat(rec.entries(m.id())).extracting(Recorder.Entry::attempt)
                    .as("attempts of the released hand-over of %s and the one after it", m.payloadAsString())
                    .containsExactly(1, 1);
        }
        if (supports(Capability.DEAD_LETTER_QUEUE)) {
            assertThat(broker().deadLetters(topic, group).count()).as("dead letters").isZero();
        }
    }
}

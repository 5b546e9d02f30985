package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;

/**
 * The kit's {@code ttl} group: expired messages are never handled.
 * {@link BrokerContractTest} runs it as its nested class {@code TimeToLive}, so a failure reads
 * {@code TimeToLive.required_...}; run this group alone with {@code -Dgroups=ttl}.
 */
public abstract class TimeToLiveContract extends BrokerFeature {
    TimeToLiveContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * A message already past its expiry is never handed to a handler, is counted once in
     * {@code metrics().expired()} and, with {@code deadLetterExpired(true)} (the default), is in the
     * dead-letter queue with reason EXPIRED. If it fails, check that the consumer checks
     * {@code isExpired} before every hand-over, retries included.
     */
    @Test
    void required_expiredMessageIsNeverHandledAndIsDeadLettered() {
        assumeCapability(Capability.TIME_TO_LIVE);
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("expired");
        String group = group("expired");
        Recorder rec = new Recorder();
        subscribe(options(topic, group).build(), rec);
        Message expired = Message.builder(topic).text("too late").expiresAt(Instant.now().minusSeconds(1)).build();
        broker().publish(expired);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).as("hand-overs").containsExactly(marker);
        timeouts().await("metrics().expired() to count the message")
                .untilAsserted(() -> assertThat(broker().metrics().expired()).isEqualTo(1));
        DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(dl.message().id()).isEqualTo(expired.id());
        assertThat(dl.group()).isEqualTo(group);
    }

    /**
     * With {@code deadLetterExpired(false)} an expired message is counted and dropped, not dead-lettered.
     * If it fails, check that the option reaches the consumer runtime.
     */
    @Test
    void required_expiredMessageIsOnlyCountedWhenNotDeadLettering() {
        assumeCapability(Capability.TIME_TO_LIVE);
        String topic = topic("expired-dropped");
        String group = group("expired-dropped");
        Recorder rec = new Recorder();
        subscribe(options(topic, group).deadLetterExpired(false).build(), rec);
        Message expired = Message.builder(topic).text("too late").expiresAt(Instant.now().minusSeconds(1)).build();
        broker().publish(expired);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).containsExactly(marker);
        timeouts().await("metrics().expired() to count the message")
                .untilAsserted(() -> assertThat(broker().metrics().expired()).isEqualTo(1));
        if (supports(Capability.DEAD_LETTER_QUEUE)) {
            assertThat(broker().deadLetters(topic, group).count()).as("dead letters with deadLetterExpired(false)")
                    .isZero();
            assertThat(broker().metrics().deadLettered()).isZero();
        }
    }

    /**
     * A message with a short time-to-live that passes while its group has no live member is not handed
     * over when a member joins, and is counted and dead-lettered as EXPIRED. If it fails, check that expiry
     * is checked at hand-over time, not only at publish time.
     */
    @Test
    void required_messageWhoseTtlPassesBeforeAMemberJoinsIsNeverHandled() {
        assumeCapability(Capability.TIME_TO_LIVE);
        String topic = topic("ttl");
        String group = group("ttl");
        createGroupWithoutMembers(topic, group);
        Message shortLived = Message.builder(topic).text("short-lived").ttl(Duration.ofMillis(200)).build();
        broker().publish(shortLived);
        timeouts().await("the time-to-live to pass").until(() -> shortLived.isExpired(Instant.now()));
        Recorder rec = new Recorder();
        subscribe(options(topic, group).build(), rec);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).containsExactly(marker);
        timeouts().await("metrics().expired() to count the message")
                .untilAsserted(() -> assertThat(broker().metrics().expired()).isEqualTo(1));
        if (supports(Capability.DEAD_LETTER_QUEUE)) {
            DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.EXPIRED);
            assertThat(dl.message().id()).isEqualTo(shortLived.id());
        }
    }
}

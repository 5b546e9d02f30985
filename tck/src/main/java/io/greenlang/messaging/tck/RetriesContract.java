package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.NonRetryableException;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code retries} group: failed messages are retried after a backoff, then dead-lettered.
 * {@link BrokerContractTest} runs it as its nested class {@code Retries}, so a failure reads
 * {@code Retries.required_...}; run this group alone with {@code -Dgroups=retries}.
 */
public abstract class RetriesContract extends BrokerFeature {
    RetriesContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * A handler that throws gets the message again, with {@code attempt()} raised by one each time, and
     * never sooner than the backoff: with 300 ms initial backoff, multiplier 2 and no jitter, the second
     * attempt starts at least 300 ms after the first started and the third at least 600 ms after the
     * second. If it fails, check the retry scheduling (that it waits from the failure, and applies the
     * multiplier) and the attempt counter carried with redeliveries.
     */
    @Test
    void required_failedMessageIsRetriedAfterBackoffWithRaisedAttempt() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        String topic = topic("retry");
        RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(300))
                .multiplier(2).maxBackoff(Duration.ofSeconds(5)).jitter(0).build();
        Recorder rec = new Recorder(d -> {
            throw new IllegalStateException("boom " + d.attempt());
        });
        subscribe(options(topic, group("retry")).retryPolicy(policy).build(), rec);
        Message m = text(topic, "fails");
        broker().publish(m);

        timeouts().await("three attempts").until(() -> rec.count(m.id()) >= 3);
        List<Recorder.Entry> attempts = rec.entries(m.id());
        assertThat(attempts).extracting(Recorder.Entry::attempt).as("attempt() of successive hand-overs")
                .startsWith(1, 2, 3);
        Duration firstGap = Duration.ofNanos(attempts.get(1).nanoTime() - attempts.get(0).nanoTime());
        Duration secondGap = Duration.ofNanos(attempts.get(2).nanoTime() - attempts.get(1).nanoTime());
        assertThat(firstGap.plus(CLOCK_TOLERANCE)).as("time between attempt 1 and 2 (backoff 300 ms)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(secondGap.plus(CLOCK_TOLERANCE)).as("time between attempt 2 and 3 (backoff 600 ms)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    /**
     * After the last allowed attempt the message is in the group's dead-letter queue with reason
     * RETRIES_EXHAUSTED, the last exception's class and message, the group, the number of attempts and
     * ordered first/last failure times; and it is never handed over again. If it fails, check the
     * dead-letter record the backend writes and that the original entry is acknowledged when it moves.
     */
    @Test
    void required_exhaustedRetriesAreDeadLetteredWithTheFailure() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("exhausted");
        String group = group("exhausted");
        Recorder rec = new Recorder(d -> {
            if (d.message().header(MARKER_HEADER).isEmpty()) {
                throw new IllegalStateException("boom " + d.attempt());
            }
        });
        subscribe(options(topic, group).build(), rec);
        Message m = Message.builder(topic).text("always fails").header("tenant", "acme").build();
        broker().publish(m);
        Instant published = Instant.now();

        DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(dl.attempts()).as("attempts").isEqualTo(3);
        assertThat(dl.group()).isEqualTo(group);
        assertThat(dl.exceptionClass()).hasValue(IllegalStateException.class.getName());
        assertThat(dl.exceptionMessage()).as("the last failure's message").isEqualTo("boom 3");
        assertThat(withoutHash(dl.message())).as("the dead letter's message").isEqualTo(m);
        assertThat(dl.firstFailure()).as("firstFailure is before lastFailure").isBefore(dl.lastFailure());
        assertThat(dl.firstFailure()).isAfterOrEqualTo(published.minusSeconds(5));
        assertThat(dl.lastFailure()).isBeforeOrEqualTo(Instant.now().plusSeconds(5));
        assertThat(dl.id()).isNotBlank();

        publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.count(m.id())).as("hand-overs of the dead-lettered message").isEqualTo(3);
    }

    /**
     * A {@code NonRetryableException} sends the message to the dead-letter queue at once: one attempt,
     * reason NON_RETRYABLE, the exception's class and message. If it fails, check that the consumer asks
     * the retry policy whether a failure is retryable.
     */
    @Test
    void required_nonRetryableFailureIsDeadLetteredAtOnce() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("non-retryable");
        String group = group("non-retryable");
        Recorder rec = new Recorder(d -> {
            if (d.message().header(MARKER_HEADER).isEmpty()) {
                throw new NonRetryableException("site 42 does not exist");
            }
        });
        subscribe(options(topic, group).build(), rec);
        Message m = text(topic, "bad input");
        broker().publish(m);
        DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
        assertThat(dl.attempts()).isEqualTo(1);
        assertThat(dl.exceptionClass()).hasValue(NonRetryableException.class.getName());
        assertThat(dl.exceptionMessage()).isEqualTo("site 42 does not exist");
        assertThat(dl.message().id()).isEqualTo(m.id());
        assertThat(dl.firstFailure()).isEqualTo(dl.lastFailure());
        publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.count(m.id())).as("hand-overs of a message that failed non-retryably").isEqualTo(1);
    }

    /**
     * {@code delivery.deadLetter("reason")} sends the message to the dead-letter queue at once with reason
     * REJECTED, that text as message and no exception class; the handler's normal return afterwards changes
     * nothing. If it fails, check that an explicit settlement wins over the handler's return.
     */
    @Test
    void required_explicitDeadLetterIsRejectedWithTheGivenReason() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("rejected");
        String group = group("rejected");
        Recorder rec = new Recorder(d -> {
            if (d.message().header(MARKER_HEADER).isEmpty()) {
                d.deadLetter("no such site");
                assertThat(d.isSettled()).as("isSettled() after deadLetter(...)").isTrue();
            }
        });
        subscribe(options(topic, group).build(), rec);
        Message m = text(topic, "rejected");
        broker().publish(m);
        DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.REJECTED);
        assertThat(dl.exceptionMessage()).isEqualTo("no such site");
        assertThat(dl.exceptionClass()).as("exception class of a rejection").isEmpty();
        assertThat(dl.attempts()).isEqualTo(1);
        assertThat(dl.message().id()).isEqualTo(m.id());
        publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.count(m.id())).isEqualTo(1);
    }

    /**
     * A backlog of 400 messages (25 times {@code maxInFlight(16)}) read with concurrency 4, in which every 10th
     * message fails once and then succeeds and every 10th (another one) always fails: each is handed over
     * exactly as its path says, with {@code attempt()} counting the hand-overs (1; 1, 2; 1, 2, 3), each
     * exhausted one is dead-lettered after its third attempt, none is lost, and nothing is handed over again
     * after it was acknowledged or dead-lettered, not even to a new member. If it fails, check that retries
     * scheduled while the member still reads the backlog in batches keep their attempt, are not dropped when
     * the in-flight limit is reached, and that the entry of a retried or dead-lettered message is settled once.
     */
    @Test
    void required_manyFailuresAcrossALargeBacklogAreRetriedWithTheirAttempts() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("retry-backlog");
        String group = group("retry-backlog");
        List<Message> backlog = texts(topic, "retry-backlog", 20 * SCALE_IN_FLIGHT + 80);
        Set<String> failOnce = new HashSet<>();
        Set<String> alwaysFail = new HashSet<>();
        for (int i = 0; i < backlog.size(); i++) {
            if (i % 10 == 3) {
                failOnce.add(backlog.get(i).id());
            } else if (i % 10 == 7) {
                alwaysFail.add(backlog.get(i).id());
            }
        }
        publishBacklog(topic, group, backlog);
        Recorder rec = new Recorder(d -> {
            String id = d.message().id();
            if (alwaysFail.contains(id) || (failOnce.contains(id) && d.attempt() == 1)) {
                throw new IllegalStateException("boom " + d.attempt());
            }
        });
        Subscription sub = subscribe(options(topic, group).concurrency(4).maxInFlight(SCALE_IN_FLIGHT).build(), rec);

        int plain = backlog.size() - failOnce.size() - alwaysFail.size();
        int handOvers = plain + 2 * failOnce.size() + 3 * alwaysFail.size();
        awaitCount(handOvers + " hand-overs: once, twice or three times per message", rec::size, handOvers);
        DeadLetterQueue dlq = broker().deadLetters(topic, group);
        timeouts().await(alwaysFail.size() + " dead letters").until(() -> dlq.count() >= alwaysFail.size());
        sub.close();

        for (Message m : backlog) {
            List<Integer> attempts = rec.entries(m.id()).stream().map(Recorder.Entry::attempt).toList();
            List<Integer> expected = alwaysFail.contains(m.id()) ? List.of(1, 2, 3)
                    : failOnce.contains(m.id()) ? List.of(1, 2) : List.of(1);
            assertThat(attempts).as("attempt() of each hand-over of %s", m.payloadAsString())
                    .containsExactlyElementsOf(expected);
        }
        List<DeadLetter> letters = dlq.list(backlog.size());
        assertThat(letters).extracting(dl -> dl.message().id()).as("the dead letters' messages")
                .containsExactlyInAnyOrderElementsOf(alwaysFail);
        assertThat(letters).allSatisfy(dl -> {
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(dl.attempts()).as("attempts of %s", dl.message().payloadAsString()).isEqualTo(3);
            assertThat(dl.exceptionMessage()).isEqualTo("boom 3");
        });

        Recorder next = new Recorder();
        subscribe(options(topic, group).build(), next);
        String marker = publishMarkerAndAwait(broker(), topic, next);
        assertThat(next.ids()).as("hand-overs to a new member after every message was settled").containsExactly(marker);
        assertThat(rec.size()).as("hand-overs to the first member").isEqualTo(handOvers);
    }
}

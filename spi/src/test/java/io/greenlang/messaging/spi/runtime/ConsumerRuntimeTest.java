package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.NonRetryableException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's settling rules, against a scripted source that records every call. */
class ConsumerRuntimeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ScriptedSource source = new ScriptedSource();
    private final BrokerMetrics metrics = new BrokerMetrics("test", "test");
    private final List<ConsumerRuntime> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(ConsumerRuntime::close);
        metrics.close();
    }

    private ConsumerRuntime start(SubscriptionOptions.Builder options, MessageHandler handler) {
        ConsumerRuntime runtime = new ConsumerRuntime(options.shutdownGracePeriod(Duration.ofSeconds(2)).build(), handler,
                source, metrics, Codecs.standard(), r -> { });
        started.add(runtime);
        return runtime.start();
    }

    private static SubscriptionOptions.Builder options() {
        return SubscriptionOptions.builder("t", "g");
    }

    private static InboundMessage record(int offset, Message message) {
        return InboundMessage.of(message, new Position(Integer.toString(offset)), 1, null, null);
    }

    private static InboundMessage record(int offset) {
        return record(offset, Message.builder("t").text("m" + offset).build());
    }

    @Test
    void returningAcknowledges() {
        start(options(), d -> { });
        source.offer(record(1));

        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 1"));
        assertThat(metrics.snapshot().acked()).isEqualTo(1);
    }

    @Test
    void explicitDeadLetterThenThrowSettlesOnceAsRejected() {
        start(options(), d -> {
            d.deadLetter("bad data");
            throw new IllegalStateException("after the fact");
        });
        source.offer(record(1));

        await().atMost(DEADLINE).until(() -> source.calls.contains("deadLetter 1 REJECTED bad data"));
        assertThat(source.calls).containsExactly("deadLetter 1 REJECTED bad data");
    }

    @Test
    void earlyAckThenThrowStaysAcknowledged() {
        start(options(), d -> {
            d.ack();
            throw new IllegalStateException("ignored");
        });
        source.offer(record(1));

        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 1"));
        assertThat(source.calls).containsExactly("ack 1");
    }

    @Test
    void failThenReturnIsAFailure() {
        start(options().retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(5)).jitter(0).build()),
                d -> d.fail(new IllegalStateException("soft failure")));
        source.offer(record(1));

        await().atMost(DEADLINE).until(() -> source.calls.contains("retry 1 PT0.005S"));
        assertThat(source.calls).containsExactly("retry 1 PT0.005S");
    }

    @Test
    void lastAttemptIsDeadLetteredWithTheException() {
        start(options().retryPolicy(RetryPolicy.builder().maxAttempts(3).build()), d -> {
            throw new IllegalStateException("boom");
        });
        source.offer(InboundMessage.of(Message.builder("t").build(), new Position("7"), 3, Instant.EPOCH, null));

        await().atMost(DEADLINE).until(() -> !source.letters.isEmpty());
        DeadLetterRequest letter = source.letters.get(0);
        assertThat(letter.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.firstFailure()).isEqualTo(Instant.EPOCH);
        assertThat(letter.exceptionClass()).contains(IllegalStateException.class.getName());
        assertThat(letter.exceptionMessage()).isEqualTo("boom");
    }

    @Test
    void aRecordWhoseAttemptsWereAllSpentInLostLeasesIsDeadLetteredWithoutAHandler() {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(options().retryPolicy(RetryPolicy.builder().maxAttempts(2).build()),
                d -> handled.add(d.position().value()));
        source.offer(InboundMessage.of(Message.builder("t").build(), new Position("7"), 3, null, null));
        source.offer(record(8));

        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 8"));
        assertThat(handled).containsExactly("8");
        assertThat(source.handedOver).containsExactly("8");
        assertThat(source.letters).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(l.attempts()).isEqualTo(2);
            assertThat(l.exceptionClass()).isEmpty();
            assertThat(l.exceptionMessage()).contains("within its lease");
        });
    }

    @Test
    void nonRetryableIsDeadLetteredAtOnce() {
        start(options(), d -> {
            throw new NonRetryableException("never");
        });
        source.offer(record(1));

        await().atMost(DEADLINE).until(() -> source.calls.contains("deadLetter 1 NON_RETRYABLE never"));
    }

    @Test
    void undecodableRecordsAreDeadLetteredWithoutReachingTheHandler() {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(options(), d -> handled.add(d.position().value()));
        source.offer(InboundMessage.undecodable(new byte[] {1, 2}, "not an envelope", new Position("1"), 1, null));
        source.offer(record(2));

        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 2"));
        assertThat(handled).containsExactly("2");
        assertThat(source.letters).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThat(l.message().payload()).containsExactly(1, 2);
            assertThat(l.message().header("greenlang.decode-error")).contains("not an envelope");
        });
    }

    @Test
    void aHandlerMayCloseItsOwnSubscription() {
        AtomicReference<ConsumerRuntime> self = new AtomicReference<>();
        CountDownLatch returned = new CountDownLatch(1);
        self.set(start(options(), d -> {
            self.get().close(); // must not wait for itself
            returned.countDown();
        }));
        source.offer(record(1));

        await().atMost(DEADLINE).until(() -> returned.getCount() == 0 && !self.get().isActive());
        await().atMost(DEADLINE).until(() -> source.closed);
        assertThat(source.calls).contains("ack 1");
    }

    @Test
    void recordsNotStartedAtCloseAreReleased() throws InterruptedException {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ConsumerRuntime runtime = start(options().concurrency(2).maxInFlight(10), d -> {
            inHandler.countDown();
            finish.await();
        });
        for (int i = 1; i <= 6; i++) {
            source.offer(record(i));
        }
        assertThat(inHandler.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        await().atMost(DEADLINE).until(() -> runtime.runningHandlers() == 2);

        var closed = runtime.closeAsync();
        finish.countDown();
        closed.toCompletableFuture().join();

        long acked = source.calls.stream().filter(c -> c.startsWith("ack")).count();
        long released = source.calls.stream().filter(c -> c.startsWith("release")).count();
        assertThat(acked + released).isEqualTo(6);
        assertThat(acked).isGreaterThanOrEqualTo(2);
        assertThat(runtime.inFlight()).isZero();
    }

    @Test
    void orderedRetriesHappenInPlaceAndKeepTheOrder() {
        List<String> seen = new CopyOnWriteArrayList<>();
        start(options().ordered(true).concurrency(3)
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(20)).jitter(0).build()), d -> {
            seen.add(d.message().payloadAsString() + "#" + d.attempt());
            if (d.message().payloadAsString().equals("k2") && d.attempt() == 1) {
                throw new IllegalStateException("once");
            }
        });
        for (int i = 1; i <= 4; i++) {
            source.offer(record(i, Message.builder("t").text("k" + i).key("same").build()));
        }

        await().atMost(DEADLINE).until(() -> seen.size() == 5);
        assertThat(seen).containsExactly("k1#1", "k2#1", "k2#2", "k3#1", "k4#1");
        assertThat(source.calls).noneMatch(c -> c.startsWith("retry"));
    }

    @Test
    void anExpiredRecordIsDeadLetteredWithoutReachingTheHandler() {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(options().maxInFlight(1), d -> handled.add(d.message().payloadAsString()));
        Instant expiry = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.MICROS);
        source.offer(record(1, Message.builder("t").text("old").expiresAt(expiry).build()));
        source.offer(record(2));

        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 2")); // the expired one's permit came back
        assertThat(source.calls).contains("deadLetter 1 EXPIRED expired at " + expiry);
        assertThat(source.letters.get(0).attempts()).isZero();
        assertThat(handled).containsExactly("m2");
        assertThat(metrics.snapshot().expired()).isEqualTo(1);
    }

    @Test
    void anExpiredRecordIsAcknowledgedWhenExpiredOnesAreNotDeadLettered() {
        List<String> handled = new CopyOnWriteArrayList<>();
        start(options().maxInFlight(1).deadLetterExpired(false), d -> handled.add(d.message().payloadAsString()));
        source.offer(record(1, Message.builder("t").expiresAt(Instant.now().minusSeconds(1)).build()));
        source.offer(record(2));

        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 2")); // the expired one's permit came back
        assertThat(source.calls).containsExactly("ack 1", "ack 2");
        assertThat(source.letters).isEmpty();
        assertThat(handled).containsExactly("m2");
        assertThat(metrics.snapshot().expired()).isEqualTo(1);
        assertThat(metrics.snapshot().acked()).isEqualTo(1); // only the handled one
    }

    @Test
    void aRecordThatExpiresWhileWaitingForAWorkerIsSettledTheSameWay() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        ConsumerRuntime runtime = start(options().concurrency(2).maxInFlight(3), d -> {
            handled.add(d.message().payloadAsString());
            release.await();
        });
        source.offer(record(1));
        source.offer(record(2));
        await().atMost(DEADLINE).until(() -> runtime.runningHandlers() == 2);
        Instant expiry = Instant.now().plusMillis(200).truncatedTo(ChronoUnit.MICROS);
        source.offer(record(3, Message.builder("t").text("short-lived").expiresAt(expiry).build()));
        await().atMost(DEADLINE).until(() -> Instant.now().isAfter(expiry.plusMillis(50)));
        release.countDown();

        await().atMost(DEADLINE).until(() -> source.calls.contains("deadLetter 3 EXPIRED expired at " + expiry));
        assertThat(handled).containsExactlyInAnyOrder("m1", "m2");
        assertThat(metrics.snapshot().expired()).isEqualTo(1);
        source.offer(record(4));
        await().atMost(DEADLINE).until(() -> handled.contains("m4")); // every permit came back
    }

    @Test
    void onlyRecordsGivenToAHandlerAreHandedOver() throws InterruptedException {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        for (int i = 1; i <= 5; i++) {
            source.offer(record(i));
        }
        start(options().maxInFlight(10), d -> {
            inHandler.countDown();
            finish.await();
        });
        assertThat(inHandler.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(source.handedOver).as("records fetched in the batch but not started yet").containsExactly("1");
        finish.countDown();
        await().atMost(DEADLINE).until(() -> source.handedOver.size() == 5);
        assertThat(source.handedOver).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void aMemberWhoseHandlersAllHangReleasesWhatItHasNotStartedAndFetchesNothing() {
        CountDownLatch finish = new CountDownLatch(1);
        for (int i = 1; i <= 6; i++) {
            source.offer(record(i));
        }
        ConsumerRuntime runtime = start(options().concurrency(2).maxInFlight(10).leaseTimeout(Duration.ofMillis(200)),
                d -> finish.await());
        await().atMost(DEADLINE).until(() -> source.stalls.get() == 1);
        await().atMost(DEADLINE).until(() -> source.calls.stream().filter(c -> c.startsWith("release")).count() == 4);
        assertThat(source.handedOver).hasSize(2);
        assertThat(runtime.inFlight()).as("only the two hung handlers hold permits").isEqualTo(2);

        source.offer(record(7));
        await("a stalled member fetches nothing during a few poll rounds").during(Duration.ofMillis(300))
                .atMost(DEADLINE).until(() -> source.queue.size() == 1);

        finish.countDown();
        await().atMost(DEADLINE).until(() -> source.calls.contains("ack 7"));
        assertThat(source.stalls.get()).isEqualTo(1);
    }

    @Test
    void closeReleasesTheRestOfABatchWhoseFirstHandlerHangs() throws InterruptedException {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        for (int i = 1; i <= 5; i++) {
            source.offer(record(i));
        }
        ConsumerRuntime runtime = new ConsumerRuntime(options().maxInFlight(10)
                .shutdownGracePeriod(Duration.ofMillis(100)).build(), d -> {
                    inHandler.countDown();
                    while (finish.getCount() > 0) {
                        try {
                            finish.await();
                        } catch (InterruptedException e) {
                            // a hung handler ignores the interrupt at the end of the grace period
                        }
                    }
                }, source, metrics, Codecs.standard(), r -> { });
        runtime.start();
        try {
            assertThat(inHandler.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            runtime.close();
            assertThat(source.calls).containsExactly("release 2", "release 3", "release 4", "release 5");
            assertThat(source.handedOver).containsExactly("1");
        } finally {
            finish.countDown();
        }
    }

    /** Hands out offered records and records every settlement as a line. */
    static final class ScriptedSource implements ConsumerSource {
        final LinkedBlockingQueue<InboundMessage> queue = new LinkedBlockingQueue<>();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<DeadLetterRequest> letters = new CopyOnWriteArrayList<>();
        /** Positions handed to a handler, in order; apart from {@link #calls}, which lists settlements. */
        final List<String> handedOver = new CopyOnWriteArrayList<>();
        final AtomicInteger stalls = new AtomicInteger();
        volatile boolean closed;

        void offer(InboundMessage record) {
            queue.add(record);
        }

        @Override
        public List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
            InboundMessage first = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (first == null) {
                return List.of();
            }
            List<InboundMessage> batch = new ArrayList<>(List.of(first));
            queue.drainTo(batch, max - 1);
            return batch;
        }

        @Override
        public void ack(InboundMessage record) {
            calls.add("ack " + record.position());
        }

        @Override
        public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
            calls.add("retry " + record.position() + " " + delay);
        }

        @Override
        public void deadLetter(InboundMessage record, DeadLetterRequest request) {
            letters.add(request);
            calls.add("deadLetter " + record.position() + " " + request.reason() + " " + request.exceptionMessage());
        }

        @Override
        public void handedOver(InboundMessage record) {
            handedOver.add(record.position().value());
        }

        @Override
        public void stalled() {
            stalls.incrementAndGet();
        }

        @Override
        public boolean extendLease(InboundMessage record, Duration extension) {
            return true;
        }

        @Override
        public void release(List<InboundMessage> records) {
            records.forEach(r -> calls.add("release " + r.position()));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

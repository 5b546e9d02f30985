package io.greenlang.messaging.spi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageTooLargeException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The policies AbstractBroker and AbstractDeadLetterQueue keep for every backend, on a stub backend. */
class AbstractBrokerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    /** A backend that stores nothing and records what it was asked. */
    static final class StubBroker extends AbstractBroker {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final ConsumerRuntimeTest.ScriptedSource source = new ConsumerRuntimeTest.ScriptedSource();
        volatile RuntimeException closeFailure;
        volatile boolean interruptedWhileClosing;
        final AtomicInteger closes = new AtomicInteger();

        StubBroker(String url) {
            super("stub", BrokerConfig.parse(url), Capabilities.builder().build());
        }

        @Override
        protected void doPublish(Message message, PublishFuture<PublishResult> result) {
            calls.add("publish " + message.id());
        }

        @Override
        protected void doPublishAll(List<Message> messages, PublishFuture<List<PublishResult>> results) {
            calls.add("publishAll " + messages.size());
        }

        @Override
        protected ConsumerSource openConsumer(SubscriptionOptions options) {
            return source;
        }

        @Override
        protected List<RecordedMessage> doRead(String topic, Position after, int max) {
            return List.of();
        }

        @Override
        protected DeadLetterQueue doDeadLetters(String topic, String group) {
            return new AbstractDeadLetterQueue(this, topic, group) {
                @Override
                protected long doCount() {
                    calls.add("count");
                    return 3;
                }

                @Override
                protected List<DeadLetter> doList(int max) {
                    calls.add("list " + max);
                    return new ArrayList<>();
                }

                @Override
                protected boolean doReplay(String deadLetterId) {
                    calls.add("replay " + deadLetterId);
                    return true;
                }

                @Override
                protected int doReplay(int max) {
                    calls.add("replay max " + max);
                    return max;
                }

                @Override
                protected long doPurge() {
                    calls.add("purge");
                    return 3;
                }
            };
        }

        @Override
        protected ConsumerLag doLag(String topic, String group) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected Map<String, String> doHealthCheck() {
            return Map.of();
        }

        @Override
        protected void doClose() {
            closes.incrementAndGet();
            interruptedWhileClosing = Thread.currentThread().isInterrupted();
            if (closeFailure != null) {
                throw closeFailure;
            }
        }
    }

    @Test
    void theSizeLimitCountsUtf8BytesBeforeAnyIo() {
        StubBroker broker = new StubBroker("memory://?max-message-size=1000");
        Message euros = Message.builder("t").header("h", "€".repeat(400)).build(); // 400 chars, 1200 bytes
        assertThatThrownBy(() -> broker.publishAsync(euros)).isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("max-message-size")
                .satisfies(e -> assertThat(((MessageTooLargeException) e).size()).isGreaterThan(1200));
        assertThatThrownBy(() -> broker.publishAllAsync(List.of(Message.builder("t").build(), euros)))
                .isInstanceOf(MessageTooLargeException.class);
        assertThat(broker.calls).isEmpty();

        Message justUnder = Message.builder("t").header("h", "€".repeat(300)).build();
        assertThat(io.greenlang.messaging.spi.wire.EnvelopeSize.of(justUnder)).isLessThan(1000);
        broker.publishAsync(justUnder);
        assertThat(broker.calls).hasSize(1);
        broker.close();
    }

    @Test
    void closeNeverThrowsAndKeepsTheInterruptFlag() {
        StubBroker broker = new StubBroker("memory://");
        broker.closeFailure = new IllegalStateException("a client library failed to close");
        Thread.currentThread().interrupt();
        try {
            broker.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(broker.interruptedWhileClosing).as("the backend closes on a thread that is not interrupted")
                .isFalse();
        assertThat(broker.closes).hasValue(1);
        broker.close();
        assertThat(broker.closes).hasValue(1);
    }

    @Test
    void closeFromAHandlerReturnsAtOnceAndFinishesInTheBackground() {
        StubBroker broker = new StubBroker("memory://");
        AtomicLong closeTookMillis = new AtomicLong(-1);
        broker.subscribe(SubscriptionOptions.builder("t", "g").shutdownGracePeriod(Duration.ofSeconds(30)).build(),
                d -> {
                    long start = System.nanoTime();
                    broker.close();
                    closeTookMillis.set(Duration.ofNanos(System.nanoTime() - start).toMillis());
                });
        broker.source.offer(InboundMessage.of(Message.builder("t").build(), new Position("1"), 1, null, null));

        await().atMost(DEADLINE).until(() -> closeTookMillis.get() >= 0);
        assertThat(closeTookMillis.get()).as("close from a handler, with a grace period of 30 s").isLessThan(5_000);
        assertThat(broker.isClosed()).isTrue();
        await().atMost(DEADLINE).until(() -> broker.closes.get() == 1 && broker.source.closed);
        assertThat(broker.source.calls).contains("ack 1"); // the calling handler's delivery was still settled
    }

    @Test
    void deadLetterQueueChecksArgumentsAndClosedBeforeTheBackend() {
        StubBroker broker = new StubBroker("memory://");
        DeadLetterQueue dlq = broker.deadLetters("t", "g");
        assertThat(dlq.topic()).isEqualTo("t");
        assertThat(dlq.group()).isEqualTo("g");
        assertThatThrownBy(() -> dlq.list(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> dlq.replay(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dlq.replay((String) null)).isInstanceOf(NullPointerException.class);
        assertThat(broker.calls).isEmpty();

        assertThat(dlq.count()).isEqualTo(3);
        assertThat(dlq.list(5)).isEmpty();
        assertThatThrownBy(() -> dlq.list(5).add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(dlq.replay("x")).isTrue();
        assertThat(dlq.replay(2)).isEqualTo(2);
        assertThat(dlq.purge()).isEqualTo(3);
        assertThat(broker.calls).containsExactly("count", "list 5", "list 5", "replay x", "replay max 2", "purge");

        broker.close();
        broker.calls.clear();
        assertThatThrownBy(dlq::count).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> dlq.list(1)).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> dlq.replay("x")).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> dlq.replay(1)).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(dlq::purge).isInstanceOf(BrokerClosedException.class);
        assertThat(broker.calls).isEmpty();
    }
}

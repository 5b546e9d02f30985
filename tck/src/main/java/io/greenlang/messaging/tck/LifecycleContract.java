package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code lifecycle} group: closing is graceful, idempotent and final.
 * {@link BrokerContractTest} runs it as its nested class {@code Lifecycle}, so a failure reads
 * {@code Lifecycle.required_...}; run this group alone with {@code -Dgroups=lifecycle}.
 */
public abstract class LifecycleContract extends BrokerFeature {
    LifecycleContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * Closing a subscription while handlers run (each takes ~200 ms, concurrency 2, grace 5 s) waits for
     * them: every handler that started has finished when {@code close()} returns, and its message is
     * acknowledged (not handed over again). The messages not yet started go to a new member of the group.
     * None is lost and none is handled twice. If it fails, check the close sequence: stop fetching, wait
     * for running handlers up to the grace period, acknowledge, release what was not started.
     */
    @Test
    void required_closeLetsRunningHandlersFinishAndLeavesTheRest() {
        String topic = topic("grace");
        String group = group("grace");
        Set<String> finished = ConcurrentHashMap.newKeySet();
        Recorder first = new Recorder(d -> {
            simulateWork(Duration.ofMillis(200));
            finished.add(d.message().id());
        });
        Subscription sub = subscribe(options(topic, group).concurrency(2).maxInFlight(2)
                .shutdownGracePeriod(Duration.ofSeconds(5)).build(), first);
        List<Message> published = texts(topic, "grace", 10);
        publishEach(broker(), published);
        timeouts().await("two handlers to be running").until(() -> first.size() >= 2);
        sub.close();
        assertThat(sub.isActive()).isFalse();
        Set<String> started = first.distinctIds();
        assertThat(finished).as("messages whose handler finished when close() returned")
                .containsExactlyInAnyOrderElementsOf(started);
        assertThat(started.size()).as("messages started before close (the rest must be left)").isLessThan(10);

        Recorder second = new Recorder();
        subscribe(options(topic, group).build(), second);
        timeouts().await("the messages not started before close to reach the new member")
                .until(() -> second.distinct() >= 10 - started.size());
        String marker = publishMarkerAndAwait(broker(), topic, second);
        assertThat(second.ids()).as("hand-overs to the new member")
                .containsExactlyInAnyOrderElementsOf(concat(ids(published).stream()
                        .filter(id -> !started.contains(id)).toList(), marker));
        assertThat(first.size()).as("hand-overs to the closed member").isEqualTo(started.size());
    }

    /**
     * Closing a subscription or a broker twice is harmless; {@code closeAsync()} after {@code close()}
     * completes normally; a closed broker's subscriptions are closed. If it fails, check the close paths
     * for state checks and double-release of resources.
     */
    @Test
    void required_closeIsIdempotent() throws Exception {
        String topic = topic("close");
        Subscription sub = subscribe(options(topic, group("close")).build(), new Recorder());
        assertThat(sub.isActive()).isTrue();
        sub.close();
        assertThatCode(sub::close).as("second close()").doesNotThrowAnyException();
        assertThat(sub.isActive()).isFalse();
        assertThat(sub.closeAsync().toCompletableFuture().get(timeouts().eventually().toMillis(),
                TimeUnit.MILLISECONDS)).as("closeAsync() after close()").isNull();

        Broker other = newBroker(Map.of());
        Subscription onOther = subscribe(other, options(topic, group("close-broker")).build(), new Recorder());
        Subscription asyncClosed = subscribe(other, options(topic, group("close-async")).build(), new Recorder());
        asyncClosed.closeAsync().toCompletableFuture().get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
        assertThat(asyncClosed.isActive()).isFalse();
        assertThat(other.isClosed()).isFalse();
        other.close();
        assertThat(other.isClosed()).isTrue();
        assertThat(onOther.isActive()).as("a subscription of a closed broker").isFalse();
        assertThatCode(other::close).as("second Broker.close()").doesNotThrowAnyException();
    }

    /**
     * After {@code broker.close()}, publishing and subscribing fail with {@code BrokerClosedException}
     * (publishAsync at once, not through the stage). If it fails, check that every entry point checks the
     * closed state first.
     */
    @Test
    void required_operationsAfterBrokerCloseFail() {
        String topic = topic("closed");
        Broker closed = newBroker(Map.of());
        closed.close();
        Message m = text(topic, "too late");
        assertThatThrownBy(() -> closed.publish(m)).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> closed.publishAsync(m)).as("publishAsync throws at once")
                .isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> closed.publishAll(List.of(m))).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> closed.subscribe(options(topic, group("closed")).build(), new Recorder()))
                .isInstanceOf(BrokerClosedException.class);
    }

    /**
     * Closing one group's subscription leaves another group's running: it still gets new messages. If it
     * fails, check that subscriptions do not share a lifecycle (a shared poller stopped by one close).
     */
    @Test
    void required_closingOneSubscriptionLeavesOthersRunning() {
        String topic = topic("close-one");
        Recorder recA = new Recorder();
        Recorder recB = new Recorder();
        Subscription a = subscribe(options(topic, group("close-a")).build(), recA);
        Subscription b = subscribe(options(topic, group("close-b")).build(), recB);
        a.close();
        assertThat(a.isActive()).isFalse();
        assertThat(b.isActive()).isTrue();
        Message m = text(topic, "after A closed");
        broker().publish(m);
        timeouts().await("group B to get a message published after A closed").until(() -> recB.has(m.id()));
        assertThat(recA.size()).isZero();
    }

    /**
     * {@code close()} of a subscription and of a broker, called on a thread whose interrupt flag is set, neither
     * throws nor clears the flag (the broker has a running subscription and has delivered, so its connections are in
     * use). If it fails, a client library's exception escapes close, or close loses the interrupt: clear the flag
     * while the client shuts down and set it again, and catch what a client throws.
     */
    @Test
    void required_closeOnAnInterruptedThreadDoesNotThrowAndKeepsTheFlag() {
        String topic = topic("interrupted-close");
        Broker other = newBroker(Map.of());
        Recorder rec = new Recorder();
        Subscription sub = subscribe(other, options(topic, group("interrupted-close")).build(), rec);
        Subscription second = subscribe(other, options(topic, group("interrupted-close-2")).build(), new Recorder());
        publishMarkerAndAwait(other, topic, rec);
        try {
            Thread.currentThread().interrupt();
            assertThatCode(second::close).as("Subscription.close() on an interrupted thread")
                    .doesNotThrowAnyException();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag after Subscription.close()")
                    .isTrue();
            assertThatCode(other::close).as("Broker.close() on an interrupted thread").doesNotThrowAnyException();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag after Broker.close()").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(other.isClosed()).isTrue();
        assertThat(sub.isActive()).as("a subscription of the closed broker").isFalse();
        assertThat(second.isActive()).isFalse();
    }

    /**
     * {@code Broker.close()} called from inside a handler returns at once, as {@code Subscription.close()} does,
     * without waiting for the calling handler (grace period 30 s; it must return within 5 s): the broker is closed
     * when it returns. Another handler running at that moment (it takes 1 s) finishes without being interrupted,
     * the subscription stops once both handlers returned, and both messages were acknowledged: a new member of the
     * group, on a new broker, gets neither again, only the marker published after. If it fails, check that close
     * from a handler's thread does not join its own subscription.
     */
    @Test
    void required_brokerCloseFromAHandlerDoesNotWaitForItself() {
        String topic = topic("close-from-handler");
        String group = group("close-from-handler");
        Broker other = newBroker(Map.of());
        AtomicLong closeMillis = new AtomicLong(-1);
        AtomicBoolean slowFinished = new AtomicBoolean();
        AtomicBoolean slowInterrupted = new AtomicBoolean();
        CountDownLatch slowStarted = new CountDownLatch(1);
        Recorder rec = new Recorder(d -> {
            if (d.message().payloadAsString().equals("slow")) {
                slowStarted.countDown();
                try {
                    Thread.sleep(1000); // simulated work that, unlike simulateWork, reports an interrupt
                    slowFinished.set(true);
                } catch (InterruptedException e) {
                    slowInterrupted.set(true);
                }
            } else if (d.message().payloadAsString().equals("closer")) {
                slowStarted.await(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
                long start = System.nanoTime();
                other.close();
                closeMillis.set(Duration.ofNanos(System.nanoTime() - start).toMillis());
            }
        });
        Subscription sub = subscribe(other, options(topic, group).concurrency(2).maxInFlight(2)
                .shutdownGracePeriod(Duration.ofSeconds(30)).build(), rec);
        Message slow = text(topic, "slow");
        Message closer = text(topic, "closer");
        other.publish(slow);
        other.publish(closer);

        timeouts().await("Broker.close() called from a handler to return").until(() -> closeMillis.get() >= 0);
        assertThat(closeMillis.get()).as("milliseconds Broker.close() took inside a handler (grace period 30 s)")
                .isLessThan(5_000);
        assertThat(other.isClosed()).isTrue();
        timeouts().await("the subscription to stop once its handlers returned").until(() -> !sub.isActive());
        timeouts().await("the other running handler to finish").until(() -> slowFinished.get()
                || slowInterrupted.get());
        assertThat(slowInterrupted.get()).as("the other handler was interrupted, within the grace period").isFalse();

        Recorder next = new Recorder();
        subscribe(options(topic, group).build(), next);
        String marker = publishMarkerAndAwait(broker(), topic, next);
        assertThat(next.ids()).as("hand-overs to a new member: the two settled messages must not come again")
                .containsExactly(marker);
    }
}

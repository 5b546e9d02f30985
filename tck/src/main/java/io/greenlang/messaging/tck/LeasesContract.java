package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code leases} group: a member that stops responding loses its messages after the lease.
 * {@link BrokerContractTest} runs it as its nested class {@code Leases}, so a failure reads
 * {@code Leases.required_...}; run this group alone with {@code -Dgroups=leases}.
 */
public abstract class LeasesContract extends BrokerFeature {
    LeasesContract(BrokerContractTest kit) {
        super(kit);
    }

    private final Duration lease = Duration.ofSeconds(1);

    /**
     * A member takes a message and never settles it (its handler hangs, as a crashed process would). After
     * the lease (1 s) another member of the group gets it, with attempt 2, and not before; the hung member's
     * {@code extendLease} then reports the lease lost. If it fails, check the backend's reclaim of expired
     * leases (XAUTOCLAIM, visibility timeout) and that reclaimed hand-overs count as a new attempt.
     */
    @Test
    void required_unacknowledgedMessageGoesToAnotherMemberAfterTheLease() {
        assumeCapability(Capability.LEASES);
        String topic = topic("lease");
        String group = group("lease");
        CountDownLatch hang = latch();
        Recorder hung = new Recorder(d -> hang.await());
        subscribe(options(topic, group).consumerName("hung-" + runId()).maxInFlight(1).leaseTimeout(lease)
                .shutdownGracePeriod(Duration.ofMillis(200)).build(), hung);
        Message m = text(topic, "leased");
        long publishedAt = System.nanoTime();
        broker().publish(m);
        timeouts().await("the first member to take the message").until(() -> hung.size() == 1);

        Recorder rescuer = new Recorder();
        subscribe(options(topic, group).consumerName("rescuer-" + runId()).maxInFlight(1).leaseTimeout(lease).build(),
                rescuer);
        timeouts().await("another member to get the message after the lease").until(() -> rescuer.has(m.id()));
        Recorder.Entry rescued = rescuer.first(m.id());
        assertThat(rescued.attempt()).as("attempt of a message redelivered after a lost lease").isEqualTo(2);
        assertThat(withoutHash(rescued.message())).isEqualTo(m);
        assertThat(Duration.ofNanos(rescued.nanoTime() - publishedAt)).as("time from publish to redelivery")
                .isGreaterThanOrEqualTo(lease);
        assertThat(hung.first().delivery().extendLease(lease)).as("extendLease after the lease was lost")
                .isFalse();
        assertThat(hung.size()).isEqualTo(1);
        hang.countDown();
    }

    /**
     * A member whose handler keeps calling {@code extendLease} keeps the message: no other member gets it
     * during three lease periods; when the handler returns, the message is acknowledged once. If it fails,
     * check that extending a lease resets the idle time the backend's reclaim looks at.
     */
    @Test
    void required_extendedLeaseKeepsTheMessage() {
        assumeCapability(Capability.LEASES);
        String topic = topic("extend");
        String group = group("extend");
        CountDownLatch done = latch();
        AtomicBoolean lost = new AtomicBoolean();
        Recorder holder = new Recorder(d -> {
            if (d.message().header(MARKER_HEADER).isPresent()) {
                return;
            }
            while (!done.await(lease.toMillis() / 4, TimeUnit.MILLISECONDS)) {
                if (!d.extendLease(lease)) {
                    lost.set(true);
                }
            }
        });
        subscribe(options(topic, group).consumerName("holder-" + runId()).maxInFlight(1).leaseTimeout(lease)
                .shutdownGracePeriod(Duration.ofMillis(500)).build(), holder);
        Message m = text(topic, "long job");
        broker().publish(m);
        timeouts().await("the holder to take the message").until(() -> holder.size() == 1);
        Recorder other = new Recorder();
        subscribe(options(topic, group).consumerName("other-" + runId()).maxInFlight(1).leaseTimeout(lease).build(),
                other);

        timeouts().quietPeriod("no other member to get a message whose lease is being extended",
                lease.multipliedBy(3)).until(() -> !other.has(m.id()));
        assertThat(lost).as("extendLease returned false while the handler held the message").isFalse();
        done.countDown();

        timeouts().await("the message to be acknowledged once the handler returns")
                .untilAsserted(() -> assertThat(broker().metrics().acked()).isEqualTo(1));
        publishMarkerAndAwaitAny(broker(), topic, holder, other);
        assertThat(holder.count(m.id()) + other.count(m.id())).as("hand-overs of the message").isEqualTo(1);
        timeouts().await("the marker's acknowledgement")
                .untilAsserted(() -> assertThat(broker().metrics().acked()).isEqualTo(2));
    }

    /** Blocks until the latch opens, as a hung handler does: it ignores the interrupt at the end of a grace period. */
    private static void hangIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The attempt counts hand-overs to a handler, not fetches. A member with a large in-flight window (64) takes a
     * backlog of 20 and starts one of them; its handler hangs (ignoring interrupts) and the member closes with a
     * short grace period, as a member that dies. Another member gets all 20: the one that was started as attempt
     * 2, the 19 that were only fetched ahead as attempt 1. If it fails with attempt 2 everywhere, check that the
     * backend raises the attempt only for records the runtime reported handed over ({@code
     * ConsumerSource.handedOver}), and that the runtime hands back the rest of its batch on close.
     */
    @Test
    void required_attemptCountsOnlyHandOversWhenAMemberDies() {
        assumeCapability(Capability.LEASES);
        String topic = topic("window");
        String group = group("window");
        createGroupWithoutMembers(topic, group);
        List<Message> backlog = texts(topic, "window", 20);
        broker().publishAll(backlog);
        CountDownLatch hang = latch();
        Recorder dying = new Recorder(d -> hangIgnoringInterrupts(hang));
        Subscription sub = subscribe(options(topic, group).consumerName("dying-" + runId()).maxInFlight(64)
                .leaseTimeout(lease).shutdownGracePeriod(Duration.ofMillis(200)).build(), dying);
        timeouts().await("the first member to start a handler").until(() -> dying.size() == 1);
        sub.close();

        Recorder next = new Recorder();
        subscribe(options(topic, group).consumerName("next-" + runId()).maxInFlight(64).leaseTimeout(lease).build(),
                next);
        awaitCount("the other member to get the whole backlog", next::distinct, backlog.size());
        String started = dying.first().id();
        for (Message m : backlog) {
            assertThat(next.first(m.id()).attempt())
                    .as("attempt of %s, which the dead member had %s", m.payloadAsString(),
                            m.id().equals(started) ? "handed to its handler" : "only fetched ahead")
                    .isEqualTo(m.id().equals(started) ? 2 : 1);
        }
        assertThat(dying.size()).as("hand-overs to the member that died").isEqualTo(1);
    }

    /**
     * Take-over at low traffic: a member with two handler slots hangs (ignoring interrupts) on one message. Its
     * lease runs out while the handler still holds it, so the member must not take it back, though its other slot
     * is free: nothing during two lease periods. A healthy member that joins then gets it promptly, as attempt 2,
     * and the hung member never sees it again. If it fails, check that the backend's reclaim of expired leases
     * (reaper, XAUTOCLAIM, re-publishing to a retry partition) skips the member whose handler holds the message.
     */
    @Test
    void required_hungMembersExpiredMessageGoesToAnotherMemberNotBackToIt() {
        assumeCapability(Capability.LEASES);
        String topic = topic("hung");
        String group = group("hung");
        CountDownLatch hang = latch();
        Recorder hung = new Recorder(d -> {
            if (d.message().header("tck-hang").isPresent()) {
                hangIgnoringInterrupts(hang);
            }
        });
        subscribe(options(topic, group).consumerName("hung-" + runId()).concurrency(2).maxInFlight(2)
                .leaseTimeout(lease).shutdownGracePeriod(Duration.ofMillis(200)).build(), hung);
        Message m = Message.builder(topic).text("hangs").header("tck-hang", "true").build();
        broker().publish(m);
        timeouts().await("the member to start the message").until(() -> hung.has(m.id()));

        timeouts().quietPeriod("the hung member not to take back the message that expired in its hands",
                lease.multipliedBy(2)).until(() -> hung.count(m.id()) == 1);
        Recorder healthy = new Recorder();
        subscribe(options(topic, group).consumerName("healthy-" + runId()).maxInFlight(2).leaseTimeout(lease).build(),
                healthy);
        timeouts().await("the healthy member to get the expired message").until(() -> healthy.has(m.id()));
        assertThat(healthy.first(m.id()).attempt()).as("attempt of a message whose lease ran out in a handler")
                .isEqualTo(2);
        publishMarkerAndAwaitAny(broker(), topic, hung, healthy);
        assertThat(hung.count(m.id())).as("hand-overs to the hung member").isEqualTo(1);
        assertThat(healthy.count(m.id())).as("hand-overs to the healthy member").isEqualTo(1);
    }

    /**
     * Take-over under load: a member whose two handlers both hang (ignoring interrupts) can run nothing, so it
     * gives up everything it holds: of a backlog of 200 it had fetched far more than it started, and a healthy
     * member gets all 200, the two that hang as attempt 2 after the lease, every other one as attempt 1. If it
     * fails, check that a member whose handlers all hang stops fetching and hands back what it has not started
     * (and, where members own partitions, leaves the group), and that attempts count only hand-overs.
     */
    @Test
    void required_hungMembersOtherMessagesReachTheHealthyMember() {
        assumeCapability(Capability.LEASES);
        String topic = topic("stalled");
        String group = group("stalled");
        createGroupWithoutMembers(topic, group);
        List<Message> backlog = texts(topic, "stalled", 200);
        broker().publishAll(backlog);
        CountDownLatch hang = latch();
        Recorder hung = new Recorder(d -> hangIgnoringInterrupts(hang));
        subscribe(options(topic, group).consumerName("hung-" + runId()).concurrency(2).maxInFlight(256)
                .leaseTimeout(lease).shutdownGracePeriod(Duration.ofMillis(200)).build(), hung);
        timeouts().await("both handlers of the member to hang").until(() -> hung.size() == 2);

        Recorder healthy = new Recorder();
        subscribe(options(topic, group).consumerName("healthy-" + runId()).maxInFlight(64).leaseTimeout(lease)
                .build(), healthy);
        awaitCount("the healthy member to get the whole backlog", healthy::distinct, backlog.size());
        for (Message m : backlog) {
            boolean started = hung.has(m.id());
            assertThat(healthy.first(m.id()).attempt())
                    .as("attempt of %s, which the hung member had %s", m.payloadAsString(),
                            started ? "handed to a handler" : "at most fetched ahead")
                    .isEqualTo(started ? 2 : 1);
        }
        assertThat(hung.size()).as("hand-overs to the hung member").isEqualTo(2);
    }
}

package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;

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
}

package io.greenlang.messaging.spi.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The backend-specific half of one subscription: fetching records for one member of a group and settling
 * them. The {@link ConsumerRuntime} supplies everything else.
 *
 * <p>{@link #poll} is called from one thread at a time. The settling methods ({@link #ack}, {@link #retry},
 * {@link #deadLetter}, {@link #extendLease}, {@link #release}) may be called from any thread, concurrently;
 * a backend may buffer them, but must apply them before its next {@link #poll} returns, and by the end of
 * {@link #flush()} they must be visible to everything that reads the group's state. Each fetched record is
 * settled exactly once by the runtime (an extension of its lease is not a settlement). Settling methods must not
 * throw: a backend that cannot reach its broker keeps the settlement and tries again, or leaves the record to be
 * delivered again after its lease.
 */
public interface ConsumerSource {
    /**
     * Fetches up to {@code max} records that are ready for this member: new ones, retries whose backoff has
     * passed and records whose lease ran out elsewhere. Waits at most {@code timeout} for the first one and
     * returns an empty list if none came. Each returned record is leased to this member for the
     * subscription's lease timeout. A record whose lease ran out in this member's hands (its handler hangs) must
     * not be returned to this member again: it goes to another member, with its attempt raised.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException;

    /**
     * The runtime hands {@code record} to a handler now; called once per hand-over, before the handler runs. This
     * is what attempt numbers count ({@link HandOvers#next}): should the record leave this member unsettled (its
     * lease runs out, the member dies), its next delivery has the attempt raised only if this was called. The lease
     * runs from here: a record fetched ahead waits for a handler without its lease running out. Must be cheap and
     * must not throw; a backend that records it in its broker may do so in the background, shortly after.
     */
    void handedOver(InboundMessage record);

    /**
     * Every handler of this member holds a record whose lease ran out (they hang): the member can run nothing. The
     * runtime has {@linkplain #release released} the records it had not started and calls {@link #poll} again only
     * once a handler returns. The backend gives up whatever else it holds for this member (records it fetched
     * ahead; partitions it owns) so that other members get them; the expired records themselves go to other
     * members, never back to this one. Called from a runtime thread other than the poller's; may block briefly.
     */
    default void stalled() {
    }

    /** The record was handled: it must never be delivered to this group again. */
    void ack(InboundMessage record);

    /**
     * The record failed: deliver it again, with the attempt number raised by one, no sooner than
     * {@code delay} from now, to any member of the group.
     *
     * @param firstFailure when the first of its failures happened, to be carried to the next attempt
     */
    void retry(InboundMessage record, Duration delay, Instant firstFailure);

    /** Stores the dead letter in the topic's and group's dead-letter queue and acknowledges the record. */
    void deadLetter(InboundMessage record, DeadLetterRequest request);

    /**
     * Keeps the record leased to this member for {@code extension} from now.
     *
     * @return {@code false} if the lease was already lost or the record settled
     */
    boolean extendLease(InboundMessage record, Duration extension);

    /**
     * Hands back records that were fetched but never given to a handler (the subscription is closing), so
     * that they are delivered again soon, without raising their attempt number where the backend can.
     */
    void release(List<InboundMessage> records);

    /**
     * Applies buffered settlements now, so that lag, dead-letter counts and other members see them. A backend
     * whose readers apply pending settlements before they read has nothing to do here.
     */
    default void flush() {
    }

    /**
     * Flushes and frees the source's resources. {@link #poll} is not called afterwards, but a handler that
     * outlived the grace period may still settle its record: such late calls must not throw; a backend may
     * ignore them, and the record is then delivered again once its lease expires.
     */
    void close();
}

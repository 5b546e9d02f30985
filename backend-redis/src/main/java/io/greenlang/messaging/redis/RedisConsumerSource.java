package io.greenlang.messaging.redis;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.InboundMessage;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a group on Redis Streams: the order of its work, and the entries it holds. Each job is a class of
 * its own: who the member is in Redis, joining and leaving ({@link GroupMembership}); reading the bands into the
 * {@link FetchBuffer} ({@link BandReader}); re-reading its own pending entries ({@link PendingRecovery}); taking over
 * the idle entries of other members ({@link TakeOver}); turning entries into {@link Handle}s ({@link EntryDecoder});
 * recording hand-overs ({@link HandOverMarks}); keeping leases ({@link Leases}); retries after a backoff
 * ({@link DelayedRetries}); and acknowledging, dead-lettering and handing back ({@link Settlements}).
 *
 * <h2>Fetching ({@link #poll})</h2>
 * Each poll, on the runtime's poller thread, under the lock:
 * <ol>
 *   <li>sends buffered settlements and, at most every {@value DelayedRetries#MOVE_INTERVAL_MILLIS} ms, moves the
 *       group's due retries to its retry stream, without waiting for the replies: a poll costs one round trip, the
 *       read;</li>
 *   <li>takes the reply of the read the last poll sent ahead, if any (first, so that recovery and claims never see
 *       entries the read ahead took but no handle holds yet);</li>
 *   <li>at start, and after a connection loss, re-reads this member's own pending entries;</li>
 *   <li>every half lease, claims entries idle longer than the lease from the other members;</li>
 *   <li>unless the read ahead got something, reads new entries: what the buffer plans for the next {@code max}
 *       hand-outs, or, when nothing is buffered and no stream is known to hold more, every stream, blocking;</li>
 *   <li>hands out at most {@code max} of what it holds, in the order of the member's
 *       {@link io.greenlang.messaging.spi.priority.BandScheduler}, stopping early when the scheduler chooses a band
 *       that must be read first. Retries, released and reclaimed entries go to the front of their message's band.
 *       The rest stays buffered for the next poll; a buffered entry older than half the lease has its idle time
 *       reset (only if this member still holds it) before it is handed out;</li>
 *   <li>when a stream came back full (a backlog), sends the next read before it returns: Redis serves one batch
 *       while the runtime hands out the previous one.</li>
 * </ol>
 * The attempt number of a hand-over is the entry's base attempt (1, or field {@code a} of a retry entry) plus its
 * earlier hand-overs to a handler, as {@link HandOverMarks} records them in the group's pending list.
 *
 * <h2>Settling</h2>
 * {@link #ack} is buffered and sent in the next {@link #flush()} or poll; {@link #retry}, {@link #deadLetter} and
 * {@link #release} are sent at once. Polls and flushes do not wait for the replies unless too many are unanswered;
 * {@link #close()} waits for all of them ({@link Settlements}). None of these methods throws. {@link #extendLease}
 * returns {@code true} only when Redis confirmed that this member still held the entry.
 *
 * <h2>Stalling</h2>
 * When every handler hangs ({@link #stalled}), the entries buffered here go back to the group's retry stream with
 * their attempt, as on close, so that other members get them.
 *
 * <h2>Closing</h2>
 * Running hand-overs are recorded, buffered entries go back to the group's retry stream with their attempt number,
 * settlements are flushed, and the consumer is deleted from the group only if its pending list is empty on every
 * stream.
 *
 * <h2>Server restarts</h2>
 * {@code LOADING} and connection losses make a poll fail (the runtime pauses and polls again) and trigger a
 * re-read of the member's own pending entries; {@code NOGROUP} (a restart without persistence) re-creates
 * the group at the start of the streams.
 */
final class RedisConsumerSource implements ConsumerSource {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConsumerSource.class);

    private final RedisBroker broker;
    private final GroupMembership member;
    private final StatefulConnection<byte[], byte[]> readConnection;
    private final Settlements settlements;
    private final DelayedRetries retries;
    private final BandReader bandReader;
    private final PendingRecovery recovery;
    private final TakeOver takeOver;
    private final HandOverMarks marks;
    private final Leases leases;

    /** Guards the buffer and the poller's parts: poll, stall and close. */
    private final ReentrantLock lock = new ReentrantLock();
    private final FetchBuffer buffer = new FetchBuffer();
    /** The entries handed out and not settled yet, by {@link Handle#key}. */
    private final Map<String, Handle> outstanding = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> refresher;
    private volatile boolean closed;

    /**
     * Creates the group on every stream (at its start position if new) and opens the reading connection.
     *
     * @throws MessagingException if Redis cannot be reached or refuses
     */
    RedisConsumerSource(RedisBroker broker, SubscriptionOptions options) {
        this.broker = broker;
        this.member = new GroupMembership(broker, options.topic(), options.group(), options.consumerName());
        Replies replies = new Replies(broker);
        this.settlements = new Settlements(broker, member, replies, () -> closed);
        this.retries = new DelayedRetries(broker, member, settlements);
        EntryDecoder decoder = new EntryDecoder(member.topic(), member::stream, settlements::ackLater);
        member.join(options.startPosition() == StartPosition.EARLIEST ? "0" : "$");
        this.readConnection = broker.clients().connect("open a connection for subscription " + member.topic() + "/"
                + member.groupName(), member.stream(0));
        RedisClusterAsyncCommands<byte[], byte[]> reader = RedisClients.async(readConnection);
        this.bandReader = new BandReader(broker, reader, member, replies, decoder, buffer);
        this.recovery = new PendingRecovery(broker, reader, member, replies, decoder, buffer, outstanding);
        this.takeOver = new TakeOver(broker, member, replies, decoder, buffer, options.leaseTimeout());
        this.marks = new HandOverMarks(broker, member, outstanding.values());
        this.leases = new Leases(broker, member, replies, options.leaseTimeout());
        long period = HandOverMarks.MARK_AFTER_NANOS;
        this.refresher = broker.clients().scheduler().scheduleAtFixedRate(this::refreshLeases, period, period,
                TimeUnit.NANOSECONDS);
    }


    @Override
    public List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        lock.lockInterruptibly();
        try {
            settlements.sendOwed();
            // first, so that recovery and claims never see entries the read ahead took but no handle holds yet
            int readAheadGot = bandReader.collectReadAhead();
            retries.moveDueIfTime();
            recovery.recoverIfNeeded(max);
            takeOver.claimIfDue(max);
            if (readAheadGot == 0) {
                bandReader.read(max, timeout);
            }
            List<InboundMessage> out = takeFromBuffer(max);
            if (!closed) {
                bandReader.readAheadIfBacklogged(max);
            }
            return out;
        } catch (MessagingException e) {
            if (RedisErrors.isNoGroup(e)) {
                LOG.warn("The group {} of topic {} is gone from Redis (NOGROUP: the server restarted without its data, "
                        + "or the keys were deleted); creating it again at the start of the streams", member.groupName(),
                        member.topic());
                member.join("0");
                recovery.restart();
                buffer.assumeMore();
                return List.of();
            }
            if (RedisErrors.isConnectionProblem(e.getCause() != null ? e.getCause() : e)) {
                recovery.restart();
                buffer.assumeMore();
            }
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Hands out up to {@code max} buffered entries, in the scheduler's order, leased again if they waited long. */
    private List<InboundMessage> takeFromBuffer(int max) throws InterruptedException {
        if (buffer.isEmpty()) {
            return List.of();
        }
        List<Handle> out = buffer.take(max);
        leases.refreshStale(out);
        List<InboundMessage> records = new ArrayList<>(out.size());
        for (Handle h : out) {
            outstanding.put(h.key, h);
            records.add(h.message != null
                    ? InboundMessage.of(h.message, h.position, h.attempt, h.firstFailure, h)
                    : InboundMessage.undecodable(h.raw, h.decodeError, h.position, h.attempt, h));
        }
        return records;
    }


    /**
     * Buffers the acknowledgement. After {@link #close()} (a handler that outlived the grace period) it is sent at
     * once, best effort: if the broker is closed too, the entry is delivered again after its lease.
     */
    @Override
    public void ack(InboundMessage record) {
        Handle h = settled(record);
        if (h != null) {
            settlements.ack(h);
        }
    }

    @Override
    public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
        Handle h = settled(record);
        if (h != null) {
            retries.schedule(h, record.attempt() + 1, delay, firstFailure);
        }
    }

    @Override
    public void deadLetter(InboundMessage record, DeadLetterRequest request) {
        Handle h = settled(record);
        if (h != null) {
            settlements.deadLetter(h, request, record.position().value());
        }
    }

    @Override
    public boolean extendLease(InboundMessage record, Duration extension) {
        Handle h = (Handle) record.handle();
        if (h.settled.get() || closed) {
            return false;
        }
        return leases.extend(h, extension) && !h.settled.get();
    }

    /** Noted here; written to Redis by the background task if the handler is still running after a moment. */
    @Override
    public void handedOver(InboundMessage record) {
        HandOverMarks.started((Handle) record.handle());
    }

    /** Hands the buffered entries back to the group (with their attempts), so that other members take them. */
    @Override
    public void stalled() {
        boolean locked = false;
        try {
            locked = lock.tryLock(broker.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!locked || closed) {
                return;
            }
            handBackBuffer("");
            settlements.sendOwed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (MessagingException e) {
            LOG.debug("Handing back the buffer of stalled member {} of {}/{} failed; its entries are claimed by "
                    + "others after the lease: {}", member.consumerName(), member.topic(), member.groupName(),
                    e.getMessage());
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    /**
     * Sends every buffered entry, and what the last read ahead took, back to the group's retry stream; called with
     * the lock held.
     *
     * @param when for the log: empty, or " at close"
     */
    private void handBackBuffer(String when) throws InterruptedException {
        try {
            bandReader.collectReadAhead(); // what it took goes back with the rest of the buffer
        } catch (MessagingException e) {
            LOG.debug("The last read ahead of {}/{} failed{}; its entries stay pending for a claim: {}", member.topic(),
                    member.groupName(), when, e.getMessage());
        }
        for (Handle h : buffer.drain()) {
            if (h.settled.compareAndSet(false, true)) {
                settlements.requeue(h);
            }
        }
    }

    @Override
    public void release(List<InboundMessage> records) {
        for (InboundMessage r : records) {
            Handle h = settled(r);
            if (h != null) {
                settlements.requeue(h);
            }
        }
    }

    /** Sends buffered settlements now; waits only if too many are unanswered. Never throws. */
    @Override
    public void flush() {
        try {
            settlements.sendOwed();
        } catch (MessagingException e) {
            LOG.debug("Flushing settlements of {}/{} failed; they are sent again later: {}", member.topic(),
                    member.groupName(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the record settled; returns its handle, or {@code null} if it was settled already. */
    private Handle settled(InboundMessage record) {
        Handle h = (Handle) record.handle();
        if (!h.settled.compareAndSet(false, true)) {
            return null;
        }
        outstanding.remove(h.key, h);
        leases.forget(h);
        return h;
    }


    /** The background task: records lasting hand-overs, and keeps extended leases. */
    private void refreshLeases() {
        marks.markLasting();
        if (!closed) {
            leases.refreshExtensions();
        }
    }


    @Override
    public void close() {
        closed = true;
        refresher.cancel(false);
        // handlers still running are abandoned: their hand-overs count, however short
        marks.markRunningAndWait(broker.settings().commandTimeout());
        boolean locked = false;
        try {
            locked = lock.tryLock(broker.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (locked) {
                handBackBuffer(" at close");
            }
            settlements.sendOwed();
            settlements.awaitSent();
            member.leave();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (MessagingException e) {
            LOG.warn("Closing member {} of group {} on topic {} did not finish cleanly; what it held will be claimed by "
                    + "another member after the lease: {}", member.consumerName(), member.groupName(), member.topic(),
                    e.getMessage());
        } finally {
            if (locked) {
                lock.unlock();
            }
            readConnection.close();
        }
    }

    @Override
    public String toString() {
        return "RedisConsumerSource{" + member + "}";
    }
}

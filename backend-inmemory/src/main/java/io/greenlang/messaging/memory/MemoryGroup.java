package io.greenlang.messaging.memory;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.HandOvers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.Supplier;

/**
 * A consumer group: what it still has to deliver (by priority band), what waits for a retry, what is leased
 * to members, and its dead letters. Guarded by the topic's lock, except {@link #settle}, which members call
 * without it.
 *
 * <p>Priority: the group's {@link BandScheduler} chooses the {@link PriorityBands band} of each hand-out, whichever
 * member polls; within a band, the oldest entry first (log offset), retries, released and expired entries at the
 * front of their band.
 *
 * <p>Take-over: a lease that runs out goes back to the front of its band, with the attempt raised if its member had
 * handed it to a handler ({@link HandOvers}); while that member's handler still holds it (it hangs), only another
 * member takes it ({@link Ticket#isFor}).
 *
 * <p>Key order across members: an ordered member's lease holds its message's key ({@link LeaseTable}), and no other
 * ordered member takes a message of that key until every lease on it is settled; within the member, the consumer
 * runtime runs the key's messages one at a time. Whatever comes back to the front of a band (released, expired or
 * passed over) keeps log order, so the next member gets a key's messages in order too.
 */
final class MemoryGroup implements BandScheduler.Bands {
    private static final long REAP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SPIN_NANOS = 20_000;
    private static final int MOST_PASSED_OVER = 1024;

    final String name;
    private final MemoryTopic topic;
    private final Condition ready;
    private final List<ArrayDeque<Ticket>> bands = new ArrayList<>(PriorityBands.COUNT);
    private final BandScheduler scheduler = new BandScheduler();
    private int waiting;
    /** Counts enqueues, for members spinning without the lock. */
    private volatile long enqueued;
    /** Whether the last poll found something; only the group's own pollers read and write it. */
    private volatile boolean lastPollFound;
    private final PriorityQueue<Ticket> delayed = new PriorityQueue<>(Comparator.comparingLong(Ticket::dueNanos));
    private final LeaseTable leased = new LeaseTable();
    private final ConcurrentLinkedQueue<Lease> settlements = new ConcurrentLinkedQueue<>();
    private final DeadLetterStore dead = new DeadLetterStore();
    private long nextReapNanos;

    MemoryGroup(MemoryTopic topic, String name) {
        this.topic = topic;
        this.name = name;
        this.ready = topic.lock.newCondition();
        for (int i = 0; i < PriorityBands.COUNT; i++) {
            bands.add(new ArrayDeque<>());
        }
    }

    /** The message of {@code entry}, decoded; needs no lock. */
    Message message(Entry entry) {
        return topic.message(entry);
    }

    // ---- called with the topic lock held

    void enqueueNew(List<Entry> entries) {
        for (Entry e : entries) {
            band(e).addLast(new Ticket(e));
        }
        waiting += entries.size();
        if (!entries.isEmpty()) {
            enqueued++;
            ready.signal();
        }
    }

    void enqueueNew(Entry e) {
        band(e).addLast(new Ticket(e));
        waiting++;
        enqueued++;
        ready.signal();
    }

    /** Takes up to {@code max} tickets for {@code owner}, waiting up to {@code timeout} for the first. */
    List<Lease> poll(String owner, boolean ordered, int max, Duration timeout, Duration leaseTimeout)
            throws InterruptedException {
        if (lastPollFound) {
            awaitBriefly();
        }
        topic.lockSpinningInterruptibly();
        try {
            long now = System.nanoTime();
            long deadline = now + timeout.toNanos();
            while (true) {
                housekeeping(now);
                if (waiting > 0) {
                    List<Lease> out = take(owner, ordered, max, now + leaseTimeout.toNanos());
                    if (!out.isEmpty()) {
                        lastPollFound = true;
                        return out;
                    }
                }
                long wait = deadline - now;
                if (wait <= 0) {
                    lastPollFound = false;
                    return List.of();
                }
                if (!delayed.isEmpty()) {
                    wait = Math.min(wait, delayed.peek().dueNanos() - now);
                }
                if (!leased.isEmpty()) {
                    wait = Math.min(wait, REAP_INTERVAL_NANOS);
                }
                ready.awaitNanos(Math.max(wait, 1));
                now = System.nanoTime();
            }
        } finally {
            topic.lock.unlock();
        }
    }

    /**
     * Takes up to {@code max} tickets that {@code owner} may take; called with the lock held. It passes over (and
     * puts back, in their order) what expired in the owner's own hung handler, and, for an ordered member, messages
     * whose key another ordered member holds: that member takes them, or anyone once it settled all it holds of the
     * key. It passes over at most {@value #MOST_PASSED_OVER} tickets per poll, so that a member facing a backlog of
     * other members' keys waits instead of scanning it.
     */
    private List<Lease> take(String owner, boolean ordered, int max, long leaseDeadline) {
        List<Lease> out = new ArrayList<>(Math.min(max, waiting));
        List<Ticket> passedOver = null;
        boolean forOthers = false;
        while (out.size() < max && waiting > 0 && (passedOver == null || passedOver.size() < MOST_PASSED_OVER)) {
            ArrayDeque<Ticket> band = bands.get(scheduler.peek(this));
            Ticket t = band.peekFirst();
            boolean expiredHere = !t.isFor(owner);
            boolean passOver = expiredHere || ordered && leased.isKeyHeldByAnother(t.entry().keyCode(), owner);
            if (!passOver) {
                scheduler.served(); // counts the hand-out; passing over is not one
            }
            band.pollFirst();
            waiting--;
            if (passOver) {
                if (passedOver == null) {
                    passedOver = new ArrayList<>();
                }
                passedOver.add(t);
                forOthers |= expiredHere;
                continue;
            }
            Lease lease = new Lease(t.entry(), t.attempt(), t.firstFailure(), owner, ordered, leaseDeadline);
            leased.add(lease);
            out.add(lease);
        }
        if (passedOver != null) {
            returnToFront(passedOver);
        }
        if (forOthers) {
            ready.signalAll(); // what this member may not take is for the others
        } else if (out.size() == max && waiting > 0) {
            ready.signal(); // more than we could take: wake another member
        }
        // a key's holder is woken by its own next poll or the reaper's interval, not by members passing it over
        return out;
    }

    /**
     * Puts tickets back near the front of their bands, each before every later entry of its band and after the
     * earlier ones already back there, so that a key's messages that return at different times (released,
     * expired, passed over) keep log order for whoever takes them next. Only what came back sits before a
     * band's unfetched entries, so the walk is short.
     */
    private void returnToFront(List<Ticket> tickets) {
        if (tickets.size() > 1) { // latest first: each then goes straight to the front, past nothing it returned
            tickets.sort(Comparator.comparingLong((Ticket t) -> t.entry().offset()).reversed());
        }
        for (Ticket t : tickets) {
            ArrayDeque<Ticket> band = band(t.entry());
            ArrayDeque<Ticket> earlier = null;
            while (!band.isEmpty() && band.peekFirst().entry().offset() < t.entry().offset()) {
                if (earlier == null) {
                    earlier = new ArrayDeque<>();
                }
                earlier.push(band.pollFirst());
            }
            band.addFirst(t);
            while (earlier != null && !earlier.isEmpty()) {
                band.addFirst(earlier.pop());
            }
            waiting++;
        }
    }

    /**
     * Spins for at most {@value #SPIN_NANOS} ns, without the lock, until a new message arrives. A consumer that
     * keeps up with a busy producer would otherwise park after nearly every message and cost the producer a
     * wake-up (a system call) per publish. Only after a poll that found something, so an idle group never spins.
     */
    private void awaitBriefly() {
        long seen = enqueued;
        if (waiting > 0 || !settlements.isEmpty()) {
            return; // racy reads: at worst a spin too many or too few
        }
        long end = System.nanoTime() + SPIN_NANOS;
        for (int i = 1; enqueued == seen; i++) {
            Thread.onSpinWait();
            if ((i & 63) == 0 && System.nanoTime() - end > 0) {
                return;
            }
        }
    }

    /** Applies queued settlements, moves due retries to their band, and takes back expired leases. */
    private void housekeeping(long now) {
        applySettlements(now);
        while (!delayed.isEmpty() && delayed.peek().dueNanos() <= now) {
            Ticket t = delayed.poll();
            band(t.entry()).addFirst(t);
            waiting++;
        }
        if (now >= nextReapNanos && !leased.isEmpty()) {
            nextReapNanos = now + REAP_INTERVAL_NANOS;
            List<Ticket> expired = new ArrayList<>();
            leased.forEach(lease -> {
                if (lease.deadlineNanos - now < 0 && lease.finish()) {
                    leased.remove(lease);
                    boolean handedOver = lease.isHandedOver();
                    expired.add(new Ticket(lease.entry, HandOvers.next(lease.attempt, handedOver),
                            lease.firstFailure, 0, handedOver ? lease : null));
                }
            });
            returnToFront(expired);
        }
    }

    private void applySettlements(long now) {
        Lease lease;
        List<Ticket> released = null;
        while ((lease = settlements.poll()) != null) {
            leased.remove(lease);
            switch (lease.action) {
                case ACK:
                    break;
                case RETRY:
                    delayed.add(new Ticket(lease.entry, lease.attempt + 1, lease.nextFirstFailure, lease.dueNanos));
                    break;
                case DEAD_LETTER:
                    dead.add(lease.letter, lease.entry);
                    break;
                case RELEASE:
                    if (released == null) {
                        released = new ArrayList<>();
                    }
                    released.add(new Ticket(lease.entry, lease.attempt, lease.firstFailure, 0));
                    break;
                default:
                    throw new IllegalStateException("unknown action " + lease.action);
            }
        }
        if (released != null) {
            returnToFront(released);
        }
    }

    private ArrayDeque<Ticket> band(Entry e) {
        return bands.get(PriorityBands.of(e.priority()));
    }

    /** For the scheduler, with the topic lock held. */
    @Override
    public boolean isWaiting(int band) {
        return !bands.get(band).isEmpty();
    }

    /** For the scheduler, with the topic lock held: the older head is the one earlier in the log. */
    @Override
    public int compareOldest(int a, int b) {
        return Long.compare(bands.get(a).peekFirst().entry().offset(), bands.get(b).peekFirst().entry().offset());
    }

    long backlog() {
        applySettlements(System.nanoTime());
        return waiting + delayed.size();
    }

    long pending() {
        applySettlements(System.nanoTime());
        return leased.size();
    }

    boolean extend(Lease lease, Duration extension) {
        topic.lock.lock();
        try {
            if (lease.isDone()) {
                return false;
            }
            lease.deadlineNanos = System.nanoTime() + extension.toNanos();
            return true;
        } finally {
            topic.lock.unlock();
        }
    }

    // ---- dead letters (take the lock themselves, and apply queued settlements first)

    long deadCount() {
        return withSettlementsApplied(dead::count);
    }

    List<DeadLetter> deadLetters(int max) {
        return withSettlementsApplied(() -> dead.list(max));
    }

    boolean replay(String id) {
        return withSettlementsApplied(() -> {
            Optional<Entry> entry = dead.remove(id);
            entry.ifPresent(this::enqueueNew);
            return entry.isPresent();
        });
    }

    int replay(int max) {
        return withSettlementsApplied(() -> {
            List<Entry> entries = dead.removeOldest(max);
            entries.forEach(this::enqueueNew);
            return entries.size();
        });
    }

    long purge() {
        return withSettlementsApplied(dead::clear);
    }

    private <T> T withSettlementsApplied(Supplier<T> action) {
        topic.lock.lock();
        try {
            applySettlements(System.nanoTime());
            return action.get();
        } finally {
            topic.lock.unlock();
        }
    }

    // ---- called by members without the lock

    /** Queues a settlement; returns {@code false} if the lease was already settled or taken back. */
    boolean settle(Lease lease, Lease.Action action, long dueNanos, Instant firstFailure, DeadLetterRequest letter) {
        lease.action = action;
        lease.dueNanos = dueNanos;
        lease.nextFirstFailure = firstFailure;
        lease.letter = letter;
        if (!lease.finish()) {
            lease.handlerReturned = true; // late: the lease ran out, and its member may take the entry again
            return false;
        }
        settlements.add(lease);
        return true;
    }

    /** Applies queued settlements now, so that counts and queues reflect them. */
    void flush() {
        if (settlements.isEmpty()) {
            return;
        }
        topic.lock.lock();
        try {
            applySettlements(System.nanoTime());
            ready.signal();
        } finally {
            topic.lock.unlock();
        }
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.MessagingException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps entries leased to this member by resetting their idle time in the group's pending list (script
 * {@link Script#EXTEND}: {@code XCLAIM ... JUSTID}, which does not count a delivery), so that no other member claims
 * them: buffered entries about to be handed out after more than half a lease ({@link #refreshStale}), and entries
 * whose handler asked for more time ({@link #extend}), again and again in the background until the extension has
 * run out ({@link #refreshExtensions}). Thread-safe.
 */
final class Leases {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    private final RedisBroker broker;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final GroupMembership member;
    private final Replies replies;
    private final long leaseNanos;
    private final Map<Handle, Extension> extensions = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();

    Leases(RedisBroker broker, GroupMembership member, Replies replies, Duration lease) {
        this.broker = broker;
        this.commands = broker.commands();
        this.member = member;
        this.replies = replies;
        this.leaseNanos = lease.toNanos();
    }

    /**
     * Resets the idle time of handles buffered for more than half a lease, before they are handed out; removes from
     * {@code out} those another member took meanwhile.
     *
     * @throws MessagingException if Redis did not answer
     */
    void refreshStale(List<Handle> out) throws InterruptedException {
        long staleBefore = System.nanoTime() - leaseNanos / 2;
        Map<Integer, List<Handle>> stale = new HashMap<>();
        for (Handle h : out) {
            if (h.fetchedNanos - staleBefore < 0) {
                stale.computeIfAbsent(h.stream, k -> new ArrayList<>()).add(h);
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        Map<Integer, CompletableFuture<List<Object>>> results = new HashMap<>();
        stale.forEach((s, hs) -> results.put(s, reset(s, hs)));
        for (Map.Entry<Integer, List<Handle>> e : stale.entrySet()) {
            List<Object> held = replies.await(results.get(e.getKey()), "keep buffered entries leased");
            List<Handle> hs = e.getValue();
            for (int i = 0; i < hs.size(); i++) {
                if (Long.valueOf(1).equals(held.get(i))) {
                    hs.get(i).fetchedNanos = System.nanoTime();
                } else {
                    LOG.debug("{} lost buffered entry {} to another member before handing it out",
                            member.consumerName(), hs.get(i).id);
                    out.remove(hs.get(i));
                }
            }
        }
    }

    /**
     * Keeps a handed-out entry leased for {@code extension} from now: resets its idle time, waiting for Redis, and
     * keeps resetting it in the background.
     *
     * @return whether Redis confirmed that this member still held the entry; {@code false} also if Redis could not
     *     be asked (another member may have claimed it meanwhile, so the lease counts as lost)
     */
    boolean extend(Handle h, Duration extension) {
        try {
            List<Object> held = broker.call("extend the lease of entry " + h.id, () -> reset(h.stream, List.of(h)));
            if (!Long.valueOf(1).equals(held.get(0))) {
                extensions.remove(h);
                return false;
            }
        } catch (MessagingException e) {
            LOG.warn("Could not extend the lease of entry {} of {} ({}); reporting the lease lost", h.id, member.topic(),
                    e.getMessage());
            extensions.remove(h);
            return false;
        }
        extensions.put(h, new Extension(System.nanoTime() + extension.toNanos()));
        return true;
    }

    /** Stops keeping the entry's lease: it was settled. */
    void forget(Handle h) {
        extensions.remove(h);
    }

    /**
     * Resets the idle time of entries whose lease was extended, every third of a lease, until each extension runs
     * out; the background task. Does not wait, and skips a tick while the previous one is unanswered. Never throws.
     */
    void refreshExtensions() {
        if (extensions.isEmpty() || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            long now = System.nanoTime();
            Map<Integer, List<Handle>> due = new HashMap<>();
            for (Iterator<Map.Entry<Handle, Extension>> it = extensions.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Handle, Extension> e = it.next();
                Extension x = e.getValue();
                if (e.getKey().settled.get() || x.untilNanos - now <= 0) {
                    it.remove();
                } else if (now - x.refreshedNanos >= leaseNanos / 3 && x.untilNanos - (x.refreshedNanos + leaseNanos) > 0) {
                    due.computeIfAbsent(e.getKey().stream, k -> new ArrayList<>()).add(e.getKey());
                }
            }
            List<CompletableFuture<?>> all = new ArrayList<>();
            due.forEach((stream, handles) -> all.add(reset(stream, handles).whenComplete((held, failure) -> {
                if (failure != null) {
                    return; // tried again on the next tick
                }
                long at = System.nanoTime();
                for (int i = 0; i < handles.size(); i++) {
                    Extension x = extensions.get(handles.get(i));
                    if (x == null) {
                        continue;
                    }
                    if (Long.valueOf(1).equals(held.get(i))) {
                        x.refreshedNanos = at;
                    } else {
                        extensions.remove(handles.get(i));
                    }
                }
            })));
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                    .whenComplete((v, e) -> refreshing.set(false));
        } catch (RuntimeException e) {
            refreshing.set(false);
            LOG.debug("Refreshing leases of {}/{} failed: {}", member.topic(), member.groupName(), e.toString());
        }
    }

    /** Resets the idle time of entries of one stream; the reply holds 1 per entry still held, 0 per entry lost. */
    private CompletableFuture<List<Object>> reset(int stream, List<Handle> handles) {
        byte[][] args = new byte[handles.size() + 2][];
        args[0] = member.group();
        args[1] = member.consumer();
        for (int i = 0; i < handles.size(); i++) {
            args[i + 2] = Fields.bytes(handles.get(i).id);
        }
        return Script.EXTEND.run(commands, ScriptOutputType.MULTI, new byte[][] {member.stream(stream)}, args);
    }

    /** An extension of a lease: until when, and when the idle time was last reset. */
    private static final class Extension {
        final long untilNanos;
        volatile long refreshedNanos = System.nanoTime();

        Extension(long untilNanos) {
            this.untilNanos = untilNanos;
        }
    }
}

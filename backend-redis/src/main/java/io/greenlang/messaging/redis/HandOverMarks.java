package io.greenlang.messaging.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records hand-overs to a handler in the group's pending list, so that attempt numbers count them
 * ({@link io.greenlang.messaging.spi.runtime.HandOvers}). The pending list keeps an entry's delivery count: a read
 * sets it to 1, a hand-over that has lasted {@value #MARK_AFTER_MILLIS} ms raises it to 1 plus the entry's
 * hand-overs (script {@link Script#MARK}, in the background), and claims keep it; a member that takes the entry over
 * adds the count less one to the entry's base attempt. So entries a member had fetched ahead and never started keep
 * their attempt when it dies. Most hand-overs are settled sooner and cost nothing; one that ends sooner, settled or
 * by a crash, is not counted. Thread-safe.
 */
final class HandOverMarks {
    private static final Logger LOG = LoggerFactory.getLogger(HandOverMarks.class);
    /** A hand-over is written to Redis once it has lasted this long: most are settled sooner and cost nothing. */
    static final long MARK_AFTER_MILLIS = 50;
    static final long MARK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(MARK_AFTER_MILLIS);

    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final GroupMembership member;
    private final Collection<Handle> outstanding;

    /** @param outstanding the entries handed out and not settled yet, kept by the source */
    HandOverMarks(RedisBroker broker, GroupMembership member, Collection<Handle> outstanding) {
        this.commands = broker.commands();
        this.member = member;
        this.outstanding = outstanding;
    }

    /** Notes that the entry is handed to a handler now; cheap, written to Redis later if it lasts. */
    static void started(Handle h) {
        long now = System.nanoTime();
        h.startedNanos = now == 0 ? 1 : now;
    }

    /** Writes the hand-overs that have lasted {@value #MARK_AFTER_MILLIS} ms; does not wait. Never throws. */
    void markLasting() {
        mark(MARK_AFTER_NANOS);
    }

    /**
     * Writes every running hand-over, however short, and waits up to {@code timeout} for each: at close, the handlers
     * still running are abandoned and their hand-overs count. Never throws; an interrupt stops the wait and is kept.
     */
    void markRunningAndWait(Duration timeout) {
        for (CompletableFuture<?> mark : mark(0)) {
            try {
                mark.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Recording a running hand-over of {}/{} at close failed: {}", member.topic(), member.groupName(),
                        e.toString());
            }
        }
    }

    /**
     * Writes to Redis the hand-overs that have lasted {@code minAgeNanos} (script {@link Script#MARK}): the entry's
     * delivery count becomes 1 plus its hand-overs, so that whoever takes it over raises its attempt. A failed write
     * is tried again on the next call.
     */
    private List<CompletableFuture<?>> mark(long minAgeNanos) {
        List<CompletableFuture<?>> marks = new ArrayList<>();
        if (outstanding.isEmpty()) {
            return marks;
        }
        try {
            long now = System.nanoTime();
            Map<Integer, List<Handle>> due = new HashMap<>();
            for (Handle h : outstanding) {
                long started = h.startedNanos;
                if (started != 0 && !h.marked && now - started >= minAgeNanos && !h.settled.get()) {
                    h.marked = true;
                    due.computeIfAbsent(h.stream, k -> new ArrayList<>()).add(h);
                }
            }
            due.forEach((stream, handles) -> {
                byte[][] args = new byte[2 + 2 * handles.size()][];
                args[0] = member.group();
                args[1] = member.consumer();
                for (int i = 0; i < handles.size(); i++) {
                    args[2 + 2 * i] = Fields.bytes(handles.get(i).id);
                    args[3 + 2 * i] = Fields.bytes(Long.toString(handles.get(i).deliveries + 1));
                }
                marks.add(Script.MARK.run(commands, ScriptOutputType.MULTI, new byte[][] {member.stream(stream)}, args)
                        .whenComplete((held, e) -> {
                            if (e != null) {
                                handles.forEach(h -> h.marked = false); // tried again on the next tick
                            }
                        }));
            });
        } catch (RuntimeException e) {
            LOG.debug("Recording hand-overs of {}/{} failed: {}", member.topic(), member.groupName(), e.toString());
        }
        return marks;
    }
}

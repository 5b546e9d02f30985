package io.greenlang.messaging.redis;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.spi.runtime.DeadLetterFields;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles one member's entries in Redis: acknowledgements, buffered and sent one {@code XACK} per stream (with
 * {@code XDEL} for the retry stream); dead letters (script {@link Script#DEAD_LETTER}); entries handed back to the
 * group's retry stream with their attempt (script {@link Script#REQUEUE}); and whatever else is {@linkplain #send
 * sent} through it, such as retries. Each script first checks that this member still holds the entry, so a member
 * that lost its lease cannot settle it twice, and re-sending a script whose reply was lost is harmless.
 *
 * <p>Everything goes through the broker's shared connection, so Redis applies settlements in the order sent, before
 * any later command of the broker. Nothing waits for replies unless more than {@value #MAX_UNANSWERED} are
 * unanswered; {@link #awaitSent} waits for all of them. A settlement that fails because the connection is down (or,
 * before close, because the group is gone) is kept and sent again by the next {@link #sendOwed}. Thread-safe.
 */
final class Settlements {
    private static final Logger LOG = LoggerFactory.getLogger(Settlements.class);
    /** Settlements sent and not yet answered before a flush waits for them. */
    static final int MAX_UNANSWERED = 256;

    private final RedisBroker broker;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final GroupMembership member;
    private final Replies replies;
    private final BooleanSupplier closed;

    private final ConcurrentLinkedQueue<Handle> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Op> redo = new ConcurrentLinkedQueue<>();
    private final Set<CompletableFuture<?>> sent = ConcurrentHashMap.newKeySet();

    /** @param closed whether the member is closed: then acknowledgements go out at once, and no group comes back */
    Settlements(RedisBroker broker, GroupMembership member, Replies replies, BooleanSupplier closed) {
        this.broker = broker;
        this.commands = broker.commands();
        this.member = member;
        this.replies = replies;
        this.closed = closed;
    }

    /**
     * Buffers the acknowledgement. After close (a handler that outlived the grace period) it is sent at once, best
     * effort: if the broker is closed too, the entry is delivered again after its lease.
     */
    void ack(Handle h) {
        acks.add(h);
        if (closed.getAsBoolean()) {
            try {
                sendOwed();
            } catch (MessagingException e) {
                LOG.debug("A late acknowledgement for {}/{} could not be sent: {}", member.topic(), member.groupName(),
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Buffers the acknowledgement of an entry that was never handed out (one deleted while pending). */
    void ackLater(Handle h) {
        acks.add(h);
    }

    /** Stores the dead letter in the group's dead-letter stream and acknowledges the entry. */
    void deadLetter(Handle h, DeadLetterRequest request, String position) {
        List<byte[]> args = new ArrayList<>();
        args.add(member.group());
        args.add(member.consumer());
        args.add(Fields.bytes(h.id));
        args.add(deleteFlag(h));
        addField(args, Fields.MESSAGE, WireFormat.encode(request.message()));
        DeadLetterFields.write(request, Fields::instant).forEach((field, value) -> addField(args, Fields.key(field),
                Fields.bytes(value)));
        addField(args, Fields.POSITION, Fields.bytes(position));
        byte[][] argv = args.toArray(new byte[0][]);
        send("dead-letter entry " + h.id, () -> Script.DEAD_LETTER.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {member.stream(h.stream), member.deadLetterKey()}, argv));
    }

    /** Hands the entry back to the group's retry stream at once, keeping its attempt, so any member takes it. */
    void requeue(Handle h) {
        byte[] first = h.firstFailure == null ? new byte[0] : Fields.bytes(Fields.instant(h.firstFailure));
        byte[] minId = broker.minIdArgument();
        send("hand back entry " + h.id, () -> Script.REQUEUE.run(commands, ScriptOutputType.INTEGER,
                new byte[][] {member.stream(h.stream), member.stream(GroupMembership.RETRY)}, member.group(),
                member.consumer(), Fields.bytes(h.id), deleteFlag(h), minId, h.envelope,
                Fields.bytes(Integer.toString(h.attempt)), Fields.bytes(h.position.value()), first));
    }

    /** The scripts' flag to delete the entry once settled: set for the retry stream, which only this group reads. */
    static byte[] deleteFlag(Handle h) {
        return Fields.bytes(h.stream == GroupMembership.RETRY ? "1" : "0");
    }

    private static void addField(List<byte[]> args, String name, byte[] value) {
        args.add(Fields.bytes(name));
        args.add(value);
    }

    /**
     * Sends a settlement now; if it fails because the connection is down, it is sent again on the next
     * {@link #sendOwed}.
     *
     * @param what what it does, for the log ("dead-letter entry 1-0")
     */
    void send(String what, Supplier<? extends CompletableFuture<?>> action) {
        send(new Op(what, action));
    }

    private void send(Op op) {
        CompletableFuture<?> f;
        try {
            f = op.action.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<?> future = f;
        sent.add(future);
        future.whenComplete((v, e) -> {
            sent.remove(future);
            if (e == null) {
                return;
            }
            if (RedisErrors.isConnectionProblem(e) || RedisErrors.isNoGroup(e) && !closed.getAsBoolean()) {
                redo.add(op);
            } else {
                LOG.warn("Redis refused to {} for {}/{}; dropped: {}", op.what, member.topic(), member.groupName(),
                        broker.errors().scrub(String.valueOf(RedisErrors.unwrap(e).getMessage())));
            }
        });
    }

    /**
     * Sends what is owed: settlements to repeat and buffered acknowledgements (one {@code XACK} per stream, with
     * {@code XDEL} for the retry stream). Does not wait for replies unless more than {@value #MAX_UNANSWERED}
     * are outstanding.
     *
     * @throws MessagingException if it waited and a settlement failed
     */
    void sendOwed() throws InterruptedException {
        // each owed settlement once per call: while the connection is down, Lettuce can fail a command at once, and
        // the failure puts it back on the queue being drained (a close spun here until the JVM was killed)
        List<Op> owed = new ArrayList<>();
        for (Op op = redo.poll(); op != null; op = redo.poll()) {
            owed.add(op);
        }
        owed.forEach(this::send);
        if (!acks.isEmpty()) {
            Map<Integer, List<String>> ids = new HashMap<>();
            Handle h;
            while ((h = acks.poll()) != null) {
                ids.computeIfAbsent(h.stream, k -> new ArrayList<>()).add(h.id);
            }
            for (Map.Entry<Integer, List<String>> e : ids.entrySet()) {
                byte[] key = member.stream(e.getKey());
                String[] list = e.getValue().toArray(new String[0]);
                boolean delete = e.getKey() == GroupMembership.RETRY;
                send(new Op("acknowledge " + list.length + " entries", () -> {
                    CompletableFuture<Long> ack = commands.xack(key, member.group(), list).toCompletableFuture();
                    return delete ? ack.thenCombine(commands.xdel(key, list).toCompletableFuture(), Long::sum) : ack;
                }));
            }
        }
        if (sent.size() > MAX_UNANSWERED) {
            awaitSent();
        }
    }

    /**
     * Waits for every settlement sent so far.
     *
     * @throws MessagingException if one failed; those that failed for a connection problem are kept for redo
     */
    void awaitSent() throws InterruptedException {
        MessagingException failure = null;
        for (CompletableFuture<?> f : new ArrayList<>(sent)) {
            try {
                replies.await(f, "settle messages");
            } catch (MessagingException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A settlement that can be sent again. */
    private static final class Op {
        final String what;
        final Supplier<CompletableFuture<?>> action;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Op(String what, Supplier<? extends CompletableFuture<?>> action) {
            this.what = what;
            this.action = (Supplier) action;
        }
    }
}

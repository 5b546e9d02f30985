package io.greenlang.messaging.tck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;

/**
 * A handler that records every hand-over it gets (on entry, before the behaviour runs, so failed attempts
 * are recorded too), then runs a behaviour. Thread-safe.
 */
public final class Recorder implements MessageHandler {
    /** One hand-over: the delivery and when the handler was entered ({@link System#nanoTime()}). */
    public record Entry(Delivery delivery, long nanoTime) {
        public Message message() {
            return delivery.message();
        }

        public String id() {
            return delivery.message().id();
        }

        public int attempt() {
            return delivery.attempt();
        }
    }

    private final MessageHandler behaviour;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** A recorder whose behaviour is to return normally, acknowledging every message. */
    public Recorder() {
        this(delivery -> {
        });
    }

    /** A recorder that runs {@code behaviour} after recording. */
    public Recorder(MessageHandler behaviour) {
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
    }

    @Override
    public void handle(Delivery delivery) throws Exception {
        long now = System.nanoTime();
        synchronized (this) {
            entries.add(new Entry(delivery, now));
        }
        counts.computeIfAbsent(delivery.message().id(), id -> new AtomicInteger()).incrementAndGet();
        behaviour.handle(delivery);
    }

    /** Every hand-over so far, in the order the handler was entered. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The hand-overs of one message, in order. */
    public List<Entry> entries(String messageId) {
        return entries().stream().filter(e -> e.id().equals(messageId)).toList();
    }

    /** The ids handed over, one per hand-over, in order. */
    public List<String> ids() {
        return entries().stream().map(Entry::id).toList();
    }

    /** The distinct ids handed over, in order of their first hand-over. */
    public Set<String> distinctIds() {
        return new LinkedHashSet<>(ids());
    }

    /** How many hand-overs so far. */
    public synchronized int size() {
        return entries.size();
    }

    /** How many distinct messages so far. */
    public int distinct() {
        return counts.size();
    }

    /** How many times the message was handed over. */
    public int count(String messageId) {
        AtomicInteger count = counts.get(messageId);
        return count == null ? 0 : count.get();
    }

    /** Whether the message was handed over at least once. */
    public boolean has(String messageId) {
        return counts.containsKey(messageId);
    }

    /** Whether every one of the messages was handed over at least once. */
    public boolean hasAll(Iterable<String> messageIds) {
        for (String id : messageIds) {
            if (!has(id)) {
                return false;
            }
        }
        return true;
    }

    /** The first hand-over. */
    public synchronized Entry first() {
        if (entries.isEmpty()) {
            throw new AssertionError("The handler has not been called");
        }
        return entries.get(0);
    }

    /** The first hand-over of a message. */
    public Entry first(String messageId) {
        return entries().stream().filter(e -> e.id().equals(messageId)).findFirst()
                .orElseThrow(() -> new AssertionError("Message " + messageId + " was never handed to the handler"));
    }
}

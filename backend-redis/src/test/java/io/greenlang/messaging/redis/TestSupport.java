package io.greenlang.messaging.redis;

import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.MessageHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Small helpers shared by the Redis backend's own tests. */
final class TestSupport {
    private TestSupport() {
    }

    /** A wait with a deadline, polling every 10 ms. */
    static ConditionFactory await(String what) {
        return await(what, Duration.ofSeconds(20));
    }

    static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }

    /** A plain Lettuce connection with string keys and values, for acting as another client would. */
    static StatefulRedisConnection<String, String> raw(RedisClient client) {
        return client.connect();
    }

    /** Runs {@code action} while collecting what is written to {@code System.err} (where the test logger writes). */
    static String capturingStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Every message of every throwable in the chain. */
    static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append('\n');
            for (Throwable s : c.getSuppressed()) {
                sb.append(allMessages(s));
            }
        }
        return sb.toString();
    }

    /** Closes brokers quietly. */
    static void closeAll(List<? extends AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort after a test
            }
        }
    }

    /** A handler that records deliveries by message id. */
    static final class Handled implements MessageHandler {
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final MessageHandler behaviour;

        Handled() {
            this(d -> {
            });
        }

        Handled(MessageHandler behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public void handle(Delivery delivery) throws Exception {
            deliveries.add(delivery);
            counts.computeIfAbsent(delivery.message().id(), k -> new AtomicInteger()).incrementAndGet();
            behaviour.handle(delivery);
        }

        boolean has(String id) {
            return counts.containsKey(id);
        }

        int count(String id) {
            AtomicInteger n = counts.get(id);
            return n == null ? 0 : n.get();
        }

        Delivery first(String id) {
            return deliveries.stream().filter(d -> d.message().id().equals(id)).findFirst().orElseThrow();
        }
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}

package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline for {@code redis://} and {@code rediss://} (standalone): Lettuce with a byte-array codec, one
 * stream per run under a key unique to the benchmark, deleted when the run ends.
 * <ul>
 *   <li>Publishing: {@code XADD key * p <payload>} on one connection with auto-flush off. A batch is dispatched
 *       whole and flushed once; a single publish is flushed at once (what auto-flush would do). At most
 *       {@value #WINDOW} XADDs await their reply, as in the library target.</li>
 *   <li>Consuming: one connection per consumer, {@code XREADGROUP GROUP bench <name> COUNT 512 BLOCK 100 STREAMS
 *       key >}, then one {@code XACK} of the whole batch, pipelined ahead of the next read.</li>
 * </ul>
 */
public final class LettuceBaselineProvider implements BaselineProvider {
    static final int FETCH = 512;
    static final int WINDOW = LibraryTarget.WINDOW;
    private static final byte[] FIELD = "p".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GROUP = "bench".getBytes(StandardCharsets.US_ASCII);

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public String description() {
        return "Lettuce XADD (pipelined, flush per batch) / XREADGROUP COUNT 512 + batched XACK";
    }

    @Override
    public BenchTarget create(BrokerConfig config) {
        return new LettuceTarget(RedisClient.create(uri(config)), description());
    }

    static RedisURI uri(BrokerConfig config) {
        if (config.hosts().isEmpty()) {
            throw new BenchmarkException("Broker URL " + config.redactedUrl() + " names no Redis host.");
        }
        String host = config.hosts().get(0);
        int port = 6379;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            port = Integer.parseInt(host.substring(colon + 1));
            host = host.substring(0, colon);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port)
                .withSsl(config.scheme().equalsIgnoreCase("rediss"));
        String path = config.path();
        if (!path.isEmpty() && path.chars().allMatch(Character::isDigit)) {
            b.withDatabase(Integer.parseInt(path));
        }
        if (config.password().isPresent()) {
            if (config.username().isPresent()) {
                b.withAuthentication(config.username().get(), config.password().get());
            } else {
                b.withPassword(config.password().get().toCharArray());
            }
        }
        return b.build();
    }

    private static final class LettuceTarget extends RawTarget {
        private final RedisClient client;
        private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

        LettuceTarget(RedisClient client, String description) {
            super(description);
            this.client = client;
        }

        @Override
        public BenchChannel open(String name, int capacity) {
            String key = "glm-bench-raw:" + runId + ":" + name;
            return new LettuceChannel(client, key.getBytes(StandardCharsets.UTF_8), name);
        }

        @Override
        public void close() {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static final class LettuceChannel implements BenchChannel {
        private final RedisClient client;
        private final byte[] key;
        private final String name;
        private final StatefulRedisConnection<byte[], byte[]> producer;
        private final RedisAsyncCommands<byte[], byte[]> async;
        private final Semaphore window = new Semaphore(WINDOW);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean groupCreated;

        LettuceChannel(RedisClient client, byte[] key, String name) {
            this.client = client;
            this.key = key;
            this.name = name;
            this.producer = client.connect(ByteArrayCodec.INSTANCE);
            this.producer.setAutoFlushCommands(false);
            this.async = producer.async();
        }

        private void xadd(byte[] payload) {
            window.acquireUninterruptibly();
            RedisFuture<String> f = async.xadd(key, Map.of(FIELD, payload));
            f.whenComplete((id, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                window.release();
            });
        }

        @Override
        public void publish(byte[] payload) {
            xadd(payload);
            producer.flushCommands();
        }

        @Override
        public void publishBatch(List<byte[]> payloads) {
            int unflushed = 0;
            for (byte[] p : payloads) {
                if (window.availablePermits() == 0 && unflushed > 0) {
                    producer.flushCommands(); // a batch larger than the window must not wait on itself
                    unflushed = 0;
                }
                xadd(p);
                unflushed++;
            }
            producer.flushCommands();
        }

        @Override
        public void awaitPublished(Duration timeout) {
            producer.flushCommands();
            try {
                if (!window.tryAcquire(WINDOW, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new BenchmarkException("XADDs to " + name + " were not confirmed within " + timeout);
                }
                window.release(WINDOW);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkException("Interrupted while waiting for XADD replies", e);
            }
            Throwable t = failure.get();
            if (t != null) {
                throw new BenchmarkException("XADD to " + name + " failed: " + t.getMessage(), t);
            }
        }

        @Override
        public synchronized void createGroup() {
            if (groupCreated) {
                return;
            }
            try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
                c.sync().xgroupCreate(XReadArgs.StreamOffset.from(key, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
            } catch (RedisBusyException e) {
                // BUSYGROUP: exists already
            }
            groupCreated = true;
        }

        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            createGroup();
            List<StatefulRedisConnection<byte[], byte[]>> connections = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                connections.add(client.connect(ByteArrayCodec.INSTANCE));
            }
            ConsumerThreads threads = new ConsumerThreads("raw-redis-" + name, Duration.ofSeconds(10), () -> { });
            threads.start(consumers, i -> () -> drain(connections.get(i),
                    ("bench-" + i).getBytes(StandardCharsets.US_ASCII), handler, threads));
            return () -> {
                threads.close();
                connections.forEach(StatefulRedisConnection::close);
            };
        }

        private void drain(StatefulRedisConnection<byte[], byte[]> c, byte[] consumer, PayloadHandler handler,
                ConsumerThreads running) {
            RedisCommands<byte[], byte[]> sync = c.sync();
            RedisAsyncCommands<byte[], byte[]> acks = c.async();
            XReadArgs args = XReadArgs.Builder.count(FETCH).block(100);
            @SuppressWarnings({"unchecked", "rawtypes"})
            XReadArgs.StreamOffset<byte[]>[] offset = new XReadArgs.StreamOffset[] {XReadArgs.StreamOffset.lastConsumed(key)};
            Consumer<byte[]> who = Consumer.from(GROUP, consumer);
            RedisFuture<Long> lastAck = null;
            try {
                while (running.active()) {
                    List<StreamMessage<byte[], byte[]>> batch = sync.xreadgroup(who, args, offset);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    String[] ids = new String[batch.size()];
                    for (int i = 0; i < ids.length; i++) {
                        StreamMessage<byte[], byte[]> m = batch.get(i);
                        handler.onMessage(ByteBuffer.wrap(m.getBody().values().iterator().next()).asReadOnlyBuffer());
                        ids[i] = m.getId();
                    }
                    // sent ahead of the next XREADGROUP on the same connection
                    lastAck = acks.xack(key, GROUP, ids);
                }
                if (lastAck != null) {
                    lastAck.get(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (running.active()) {
                    throw new BenchmarkException("Raw Redis consumer of " + name + " failed: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void close() {
            try {
                producer.setAutoFlushCommands(true);
                producer.sync().del(key);
            } finally {
                producer.close();
            }
        }
    }
}

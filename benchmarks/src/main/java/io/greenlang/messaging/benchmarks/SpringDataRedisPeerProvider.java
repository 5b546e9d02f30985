package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisURI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;
import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StreamOperations;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.stream.StreamMessageListenerContainer;
import org.springframework.data.redis.stream.StreamMessageListenerContainer.StreamMessageListenerContainerOptions;

/**
 * The peer for {@code redis://} and {@code rediss://} (standalone): Spring Data Redis as a team would use it instead
 * of this library, built by hand without an application context: a {@code LettuceConnectionFactory} with a connection
 * pool (Spring's defaults otherwise: commands share one connection, pipelines and blocking reads take a pooled one)
 * and a {@code RedisTemplate} with string keys and byte-array values. One stream per run, deleted when the run ends.
 * <ul>
 *   <li>Publishing: {@code StreamOperations.add} ({@code XADD}), which is synchronous, so a single publish waits
 *       for its reply; a batch is {@code executePipelined}, one round trip for the whole batch.</li>
 *   <li>Consuming: a {@code StreamMessageListenerContainer} (batch size 512, poll timeout 100 ms) with one
 *       {@code receive(Consumer.from(group, name), StreamOffset.create(key, ReadOffset.lastConsumed()), listener)}
 *       subscription per consumer, each on its own thread; the listener calls {@code StreamOperations.acknowledge}
 *       ({@code XACK}) for each message after handling it.</li>
 * </ul>
 */
public final class SpringDataRedisPeerProvider implements BaselineProvider {
    static final int FETCH = LettuceBaselineProvider.FETCH;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final String FIELD = "p";
    private static final String GROUP = "bench";

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public String label() {
        return "peer";
    }

    @Override
    public String description() {
        return "Spring Data Redis StreamOperations.add (synchronous; executePipelined per batch) / "
                + "StreamMessageListenerContainer batch 512 + acknowledge per message";
    }

    @Override
    public BenchTarget create(BrokerConfig config) {
        RedisURI uri = LettuceBaselineProvider.uri(config);
        // pooled, as Spring's documentation advises for pipelining and blocking reads: without a pool each
        // executePipelined and each blocking XREADGROUP opens and closes a connection of its own
        LettucePoolingClientConfiguration.LettucePoolingClientConfigurationBuilder client =
                LettucePoolingClientConfiguration.builder();
        if (uri.isSsl()) {
            client.useSsl();
        }
        // built field by field: LettuceConnectionFactory.createRedisConfiguration(RedisURI) calls a RedisURI method
        // that Lettuce 7 no longer has
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        server.setDatabase(uri.getDatabase());
        config.username().ifPresent(server::setUsername);
        config.password().ifPresent(server::setPassword);
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client.build());
        factory.afterPropertiesSet();
        factory.start();
        return new SpringRedisTarget(factory, description());
    }

    private static final class SpringRedisTarget extends RawTarget {
        private final LettuceConnectionFactory factory;
        private final RedisTemplate<String, byte[]> template = new RedisTemplate<>();
        private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

        SpringRedisTarget(LettuceConnectionFactory factory, String description) {
            super("peer", description);
            this.factory = factory;
            template.setConnectionFactory(factory);
            template.setKeySerializer(RedisSerializer.string());
            template.setValueSerializer(RedisSerializer.byteArray());
            template.setHashKeySerializer(RedisSerializer.string());
            template.setHashValueSerializer(RedisSerializer.byteArray());
            template.afterPropertiesSet();
        }

        @Override
        public BenchChannel open(String name, int capacity) {
            return new SpringRedisChannel(this, "glm-bench-peer:" + runId + ":" + name);
        }

        @Override
        public void close() {
            factory.destroy();
        }
    }

    private static final class SpringRedisChannel implements BenchChannel {
        private final SpringRedisTarget target;
        private final String key;
        private final byte[] rawKey;
        private final StreamOperations<String, String, byte[]> ops;
        private volatile boolean groupCreated;

        SpringRedisChannel(SpringRedisTarget target, String key) {
            this.target = target;
            this.key = key;
            this.rawKey = key.getBytes(StandardCharsets.UTF_8);
            this.ops = target.template.opsForStream();
        }

        @Override
        public void publish(byte[] payload) {
            ops.add(key, Map.of(FIELD, payload));
        }

        @Override
        public void publishBatch(List<byte[]> payloads) {
            byte[] field = FIELD.getBytes(StandardCharsets.US_ASCII);
            target.template.executePipelined((RedisCallback<Object>) connection -> {
                for (byte[] p : payloads) {
                    connection.streamCommands().xAdd(rawKey, Map.of(field, p));
                }
                return null; // executePipelined returns the replies; a failed XADD makes it throw
            });
        }

        @Override
        public void awaitPublished(Duration timeout) {
            // every publish above waited for its reply already
        }

        @Override
        public synchronized void createGroup() {
            if (groupCreated) {
                return;
            }
            try {
                target.template.execute((RedisCallback<String>) (RedisConnection c) ->
                        c.streamCommands().xGroupCreate(rawKey, GROUP, ReadOffset.from("0"), true));
            } catch (DataAccessException e) {
                if (!(NestedExceptionUtils.getMostSpecificCause(e) instanceof RedisBusyException)) {
                    throw e;
                } // BUSYGROUP: exists already
            }
            groupCreated = true;
        }

        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            createGroup();
            AtomicInteger threadIndex = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(consumers, task -> {
                Thread t = new Thread(task, "peer-redis-" + key + "-" + threadIndex.getAndIncrement());
                t.setDaemon(true);
                return t;
            });
            StreamMessageListenerContainerOptions<String, MapRecord<String, String, byte[]>> options =
                    StreamMessageListenerContainerOptions.builder()
                            .batchSize(FETCH)
                            .pollTimeout(POLL)
                            .executor(threads)
                            .keySerializer(RedisSerializer.string())
                            .<String, byte[]>hashKeySerializer(RedisSerializer.string())
                            .<String, byte[]>hashValueSerializer(RedisSerializer.byteArray())
                            .build();
            StreamMessageListenerContainer<String, MapRecord<String, String, byte[]>> container =
                    StreamMessageListenerContainer.create(target.factory, options);
            for (int i = 0; i < consumers; i++) {
                container.receive(Consumer.from(GROUP, "bench-" + i), StreamOffset.create(key, ReadOffset.lastConsumed()),
                        record -> {
                            handler.onMessage(ByteBuffer.wrap(record.getValue().get(FIELD)).asReadOnlyBuffer());
                            ops.acknowledge(GROUP, record);
                        });
            }
            container.start();
            return () -> {
                container.stop(); // each subscription ends after its current poll
                threads.shutdown();
                try {
                    if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                        threads.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
        }

        @Override
        public void close() {
            target.template.delete(key);
        }
    }
}

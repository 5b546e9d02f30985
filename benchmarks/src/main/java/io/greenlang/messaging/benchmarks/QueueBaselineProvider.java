package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.BrokerConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for {@code memory://}: a plain {@link ArrayBlockingQueue} of {@code byte[]} between the
 * producer thread and consumer threads. Consumers take up to 512 payloads at a time with
 * {@link ArrayBlockingQueue#drainTo(java.util.Collection, int)} (the library's poller also fetches in
 * batches) and wait up to 100 ms for the next one when the queue is empty; "acknowledging" is the handler's
 * count. {@code ArrayBlockingQueue} has no batch insert, so a batch is put one payload at a time.
 */
public final class QueueBaselineProvider implements BaselineProvider {
    private static final int FETCH = 512;

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public String description() {
        return "ArrayBlockingQueue hand-off between threads";
    }

    @Override
    public BenchTarget create(BrokerConfig config) {
        return new QueueTarget(description());
    }

    private static final class QueueTarget extends RawTarget {
        QueueTarget(String description) {
            super(description);
        }

        @Override
        public BenchChannel open(String name, int capacity) {
            return new QueueChannel(name, new ArrayBlockingQueue<>(Math.max(1, capacity)));
        }

        @Override
        public void close() {
        }
    }

    private static final class QueueChannel implements BenchChannel {
        private final String name;
        private final ArrayBlockingQueue<byte[]> queue;

        QueueChannel(String name, ArrayBlockingQueue<byte[]> queue) {
            this.name = name;
            this.queue = queue;
        }

        @Override
        public void publish(byte[] payload) {
            try {
                queue.put(payload);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkException("Interrupted while publishing", e);
            }
        }

        @Override
        public void publishBatch(List<byte[]> payloads) {
            for (byte[] p : payloads) {
                publish(p);
            }
        }

        @Override
        public void createGroup() {
            // the queue is the group
        }

        @Override
        public void awaitPublished(Duration timeout) {
            // put() returns once the payload is in the queue
        }

        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            ConsumerThreads threads = new ConsumerThreads("raw-consumer-" + name, Duration.ofSeconds(10), () -> { });
            return threads.start(consumers, i -> () -> drain(handler, threads));
        }

        private void drain(PayloadHandler handler, ConsumerThreads running) {
            List<byte[]> batch = new ArrayList<>(FETCH);
            while (running.active()) {
                if (queue.drainTo(batch, FETCH) == 0) {
                    byte[] one;
                    try {
                        one = queue.poll(100, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (one == null) {
                        continue;
                    }
                    batch.add(one);
                }
                for (byte[] payload : batch) {
                    handler.onMessage(ByteBuffer.wrap(payload).asReadOnlyBuffer());
                }
                batch.clear();
            }
        }

        @Override
        public void close() {
            queue.clear();
        }
    }
}

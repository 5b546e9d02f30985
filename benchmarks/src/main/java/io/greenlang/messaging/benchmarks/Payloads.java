package io.greenlang.messaging.benchmarks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The payloads runs publish: a template of the payload size, copied for each message with a time and a
 * sequence number stamped in its first 16 bytes.
 */
final class Payloads {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Payloads() {
    }

    static byte[] template(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** A copy of the template carrying a time (nanoTime) in bytes 0-7 and a sequence number in bytes 8-15. */
    static byte[] stamp(byte[] template, long nanoTime, long sequence) {
        byte[] p = template.clone();
        LONGS.set(p, 0, nanoTime);
        LONGS.set(p, 8, sequence);
        return p;
    }

    /** Publishes {@code n} stamped payloads in batches of {@code batchSize}, without waiting for confirmations. */
    static void fill(BenchChannel channel, byte[] template, int n, int batchSize) {
        List<byte[]> batch = new ArrayList<>(Math.min(batchSize, n));
        for (int i = 0; i < n; i++) {
            batch.add(stamp(template, System.nanoTime(), i));
            if (batch.size() == batchSize) {
                channel.publishBatch(batch);
                batch = new ArrayList<>(batchSize);
            }
        }
        if (!batch.isEmpty()) {
            channel.publishBatch(batch);
        }
    }
}

package io.greenlang.messaging.benchmarks.jmh;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.provenance.Provenance;
import io.greenlang.messaging.spi.wire.WireFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding a stamped message (three headers, a key, its provenance hash) as the binary envelope the Redis and
 * Kafka backends store: with its topic, and without it as a carrier that keeps messages by topic writes it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class EnvelopeEncodeBenchmark {
    /** The payload's size in bytes. */
    @Param({"100", "1024"})
    public int size;

    private Message message;

    @Setup
    public void prepare() {
        message = Provenance.stamp(Samples.message(Samples.bytes(size)).build(), Codecs.standard());
    }

    @Benchmark
    public byte[] encode() {
        return WireFormat.encode(message);
    }

    @Benchmark
    public byte[] encodeWithoutTopic() {
        return WireFormat.encodeWithoutTopic(message);
    }
}

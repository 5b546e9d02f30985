package io.greenlang.messaging.benchmarks.jmh;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.spi.codec.Codecs;
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

/** Encoding a record with the JSON or MessagePack codec, and decoding it back into the record type. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class CodecBenchmark {
    /** The codec's name in {@link Codecs#standard()}. */
    @Param({"json", "msgpack"})
    public String codec;

    /** The record's size as JSON (its MessagePack form is smaller). */
    @Param({"100", "1024"})
    public int size;

    private Codec implementation;
    private EmissionReading reading;
    private byte[] encoded;

    @Setup
    public void prepare() {
        implementation = Codecs.standard().forName(codec);
        reading = Samples.reading(size);
        encoded = implementation.encode(reading);
    }

    @Benchmark
    public byte[] encode() {
        return implementation.encode(reading);
    }

    @Benchmark
    public EmissionReading decode() {
        return implementation.decode(encoded, EmissionReading.class);
    }
}

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
 * Decoding the envelope of a stamped message (three headers, a key, its provenance hash) back into a message:
 * one that names its topic, and one that omits it and takes the carrier's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class EnvelopeDecodeBenchmark {
    /** The payload's size in bytes. */
    @Param({"100", "1024"})
    public int size;

    private byte[] envelope;
    private byte[] envelopeWithoutTopic;

    @Setup
    public void prepare() {
        Message message = Provenance.stamp(Samples.message(Samples.bytes(size)).build(), Codecs.standard());
        envelope = WireFormat.encode(message);
        envelopeWithoutTopic = WireFormat.encodeWithoutTopic(message);
    }

    @Benchmark
    public Message decode() {
        return WireFormat.decode(envelope);
    }

    @Benchmark
    public Message decodeWithCarrierTopic() {
        return WireFormat.decode(envelopeWithoutTopic, Samples.TOPIC);
    }
}

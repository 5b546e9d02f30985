package io.greenlang.messaging.benchmarks.jmh;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.codec.MessagePackCodec;
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
 * Building a message as an application does before publishing: payload, three headers, a key; the builder
 * copies the payload, generates the time-ordered id and takes the creation time. With a body, the codec's
 * encoding of the record is part of the cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class MessageBuildBenchmark {
    /** The payload's size in bytes, or the record's size as JSON. */
    @Param({"100", "1024"})
    public int size;

    private final Codec json = new JsonCodec();
    private final Codec msgpack = new MessagePackCodec();
    private byte[] payload;
    private EmissionReading reading;

    @Setup
    public void prepare() {
        payload = Samples.bytes(size);
        reading = Samples.reading(size);
    }

    @Benchmark
    public Message withPayloadBytes() {
        return Message.builder(Samples.TOPIC).payload(payload).headers(Samples.HEADERS).key("plant-0042").build();
    }

    @Benchmark
    public Message withJsonBody() {
        return Message.builder(Samples.TOPIC).body(reading, json).headers(Samples.HEADERS).key("plant-0042").build();
    }

    @Benchmark
    public Message withMessagePackBody() {
        return Message.builder(Samples.TOPIC).body(reading, msgpack).headers(Samples.HEADERS).key("plant-0042")
                .build();
    }
}

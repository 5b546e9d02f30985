package io.greenlang.messaging.benchmarks.jmh;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.provenance.Provenance;
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
 * The provenance hash, stamped on publish and verified on receipt. Raw bytes are hashed as they are; a JSON or
 * MessagePack payload is first rewritten as canonical JSON, which is what the two structured cases add.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class ProvenanceBenchmark {
    /** {@code bytes}: application/octet-stream of that many bytes; {@code json}, {@code msgpack}: a record. */
    @Param({"bytes", "json", "msgpack"})
    public String payload;

    /** The payload's size in bytes, or the record's size as JSON (its MessagePack form is smaller). */
    @Param({"100", "1024"})
    public int size;

    private final Codecs codecs = Codecs.standard();
    private Message unstamped;
    private Message stamped;

    @Setup
    public void prepare() {
        Message.Builder builder = switch (payload) {
            case "bytes" -> Samples.message(Samples.bytes(size));
            case "json", "msgpack" -> Samples.message(Samples.reading(size), codecs.forName(payload));
            default -> throw new IllegalArgumentException("Unknown payload " + payload
                    + "; expected bytes, json or msgpack");
        };
        unstamped = builder.build();
        stamped = Provenance.stamp(unstamped, codecs);
    }

    @Benchmark
    public Message stamp() {
        return Provenance.stamp(unstamped, codecs);
    }

    @Benchmark
    public boolean verify() {
        return Provenance.verify(stamped, codecs);
    }
}

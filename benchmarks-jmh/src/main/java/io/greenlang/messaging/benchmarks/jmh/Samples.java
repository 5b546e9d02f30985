package io.greenlang.messaging.benchmarks.jmh;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.JsonCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The inputs every benchmark prepares in its setup: payloads, records and messages of a given size. */
final class Samples {
    static final String TOPIC = "emissions.readings";
    /** A few headers, as a traced message between agents carries. */
    static final Map<String, String> HEADERS = Map.of(
            "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "source-agent", "scope1-calculator",
            "schema", "emission-reading/v2");

    private Samples() {
    }

    /** {@code size} bytes, the same on every run. */
    static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    /** A record whose JSON is at least {@code jsonSize} bytes and less than one source longer. */
    static EmissionReading reading(int jsonSize) {
        JsonCodec json = new JsonCodec();
        List<String> sources = new ArrayList<>();
        EmissionReading reading = reading(sources);
        while (json.encode(reading).length < jsonSize) {
            sources.add(String.format("meter-%05d", sources.size()));
            reading = reading(sources);
        }
        return reading;
    }

    private static EmissionReading reading(List<String> sources) {
        return new EmissionReading("plant-0042", "scope-1", 12.375, Instant.parse("2026-01-15T08:30:00Z"),
                List.copyOf(sources));
    }

    /** A message as an agent publishes it: the payload, the headers, a key. */
    static Message.Builder message(byte[] payload) {
        return Message.builder(TOPIC).payload(payload).headers(HEADERS).key("plant-0042");
    }

    /** The same with {@code value} encoded by {@code codec}. */
    static Message.Builder message(Object value, Codec codec) {
        return Message.builder(TOPIC).body(value, codec).headers(HEADERS).key("plant-0042");
    }
}

package io.greenlang.messaging.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * How the baselines do a typed scenario's user work with Jackson alone: encode a {@link Reading} before sending
 * it, decode it after receiving it. The library does the same through its own codec of that name.
 */
public final class RecordCodec {
    private final String name;
    private final ObjectMapper mapper;

    private RecordCodec(String name, ObjectMapper mapper) {
        this.name = name;
        this.mapper = mapper;
    }

    /** The codec named {@code json} or {@code msgpack}. */
    static RecordCodec named(String name) {
        switch (name) {
            case "json":
                return new RecordCodec(name, new ObjectMapper());
            case "msgpack":
                return new RecordCodec(name, new ObjectMapper(new MessagePackFactory()));
            default:
                throw new IllegalArgumentException("No record codec named '" + name + "'; use json or msgpack");
        }
    }

    /** {@code json} or {@code msgpack}. */
    public String name() {
        return name;
    }

    /** The record's bytes. */
    public byte[] encode(Reading reading) {
        try {
            return mapper.writeValueAsBytes(reading);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode a reading as " + name, e);
        }
    }

    /** The record in {@code payload}. */
    public Reading decode(ByteBuffer payload) {
        try {
            if (payload.hasArray()) {
                return mapper.readValue(payload.array(), payload.arrayOffset() + payload.position(),
                        payload.remaining(), Reading.class);
            }
            byte[] copy = new byte[payload.remaining()];
            payload.duplicate().get(copy);
            return mapper.readValue(copy, Reading.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode a reading from " + name, e);
        }
    }
}

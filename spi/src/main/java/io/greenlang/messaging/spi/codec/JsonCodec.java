package io.greenlang.messaging.spi.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import java.io.IOException;
import java.util.Objects;

/**
 * JSON through Jackson: name {@value #NAME}, content type {@value #CONTENT_TYPE}, UTF-8.
 *
 * <p>Every instance shares one configured {@code ObjectMapper}: Java time types are supported and written as
 * ISO-8601 text (not timestamps), unknown properties are ignored when decoding, and content after the first
 * JSON value is an error. {@code byte[]} values and fields are written as base64 text, as Jackson does;
 * decoding such text as {@code byte[].class} gives the raw bytes back.
 *
 * <p>It writes what the provenance hash can take as it is: object properties and map entries sorted by name,
 * characters above U+FFFF as themselves (not as escaped surrogate pairs), and doubles and floats as their
 * {@linkplain ShortestDecimal shortest decimal} (as JSON floats: {@code 1.0},
 * {@code 5E-324}). Decoders need none of this; it saves the hash a parse and makes a value hash the same as
 * the MessagePack codec's binary float.
 *
 * <p>Thread-safe and stateless.
 */
public final class JsonCodec implements Codec {
    /** The codec's name in configuration. */
    public static final String NAME = "json";
    /** The content type of the payloads it writes. */
    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = mapper();
    private static final ObjectMapper UNSORTED_MAPS = mapper().disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static ObjectMapper mapper() {
        return JacksonSupport.configure(JsonMapper.builder(
                    JsonFactory.builder()
                            .addDecorator(ShortestNumberGenerator.DECORATOR)
                            // characters above U+FFFF as themselves, not as escaped surrogate pairs
                            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build());
    }

    /** A JSON codec; instances are interchangeable. */
    public JsonCodec() {
    }

    /** Returns {@value #NAME}. */
    @Override
    public String name() {
        return NAME;
    }

    /** Returns {@value #CONTENT_TYPE}. */
    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    /**
     * Encodes {@code value} as UTF-8 JSON.
     *
     * @throws MessagingException if Jackson cannot serialize the value's type
     */
    @Override
    public byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        try {
            return JacksonSupport.write(MAPPER, UNSORTED_MAPS, value);
        } catch (IOException | RuntimeException e) {
            throw JacksonSupport.encodeFailure(value, CONTENT_TYPE, e);
        }
    }

    /**
     * Decodes one JSON value as a {@code type}; {@code null} only if the payload is the JSON text {@code null}.
     *
     * @throws PayloadDecodingException if the payload is empty, not JSON, has content after the value, or does
     *     not fit {@code type}; the message names the type, the content type and Jackson's reason, with the
     *     line and column, but never the whole payload
     */
    @Override
    public <T> T decode(byte[] payload, Class<T> type) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(type, "type");
        if (payload.length == 0) {
            throw JacksonSupport.emptyPayload(CONTENT_TYPE, "JSON", type);
        }
        try {
            return MAPPER.readValue(payload, type);
        } catch (IOException | RuntimeException e) {
            throw JacksonSupport.decodeFailure(CONTENT_TYPE, payload.length, type, JacksonSupport.reason(e), e);
        }
    }

    @Override
    public String toString() {
        return "JsonCodec[" + CONTENT_TYPE + "]";
    }
}

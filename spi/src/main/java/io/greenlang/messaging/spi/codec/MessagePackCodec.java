package io.greenlang.messaging.spi.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import org.msgpack.core.MessageInsufficientBufferException;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * MessagePack through Jackson ({@code jackson-dataformat-msgpack}): name {@value #NAME}, content type
 * {@value #CONTENT_TYPE}.
 *
 * <p>Configured like {@link JsonCodec}: Java time types as ISO-8601 text, unknown properties ignored. Objects
 * and maps become MessagePack maps with string keys, {@code byte[]} becomes the MessagePack binary type, and
 * decoding a binary value as {@code byte[].class} gives the raw bytes back. Bytes after the first MessagePack
 * value are an error. An empty payload is not a MessagePack value: decoding one throws
 * {@link PayloadDecodingException}.
 *
 * <p>Thread-safe and stateless; every instance shares one {@code ObjectMapper}.
 */
public final class MessagePackCodec implements Codec {
    /** The codec's name in configuration. */
    public static final String NAME = "msgpack";
    /** The content type of the payloads it writes. */
    public static final String CONTENT_TYPE = "application/msgpack";

    private static final ObjectMapper MAPPER = mapper();
    private static final ObjectMapper UNSORTED_MAPS = mapper().disable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static ObjectMapper mapper() {
        return JacksonSupport.configure(new ObjectMapper(new MessagePackFactory()
                // Thread-local buffer reuse corrupts output when a serializer re-enters the mapper; not worth it.
                .setReuseResourceInGenerator(false)
                .setReuseResourceInParser(false)));
    }

    /** A MessagePack codec; instances are interchangeable. */
    public MessagePackCodec() {
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
     * Encodes {@code value} as one MessagePack value.
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
     * Decodes one MessagePack value as a {@code type}; {@code null} only if the payload is MessagePack nil.
     *
     * @throws PayloadDecodingException if the payload is empty, truncated, not MessagePack, has bytes after the
     *     value, or does not fit {@code type}; the message names the type, the content type and the reason,
     *     never the payload
     */
    @Override
    public <T> T decode(byte[] payload, Class<T> type) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(type, "type");
        if (payload.length == 0) {
            throw JacksonSupport.emptyPayload(CONTENT_TYPE, "MessagePack", type);
        }
        T value;
        try {
            value = MAPPER.readValue(payload, type);
        } catch (IOException | RuntimeException e) {
            String reason = JacksonSupport.reason(e);
            if (reason.startsWith("Unexpected EOF") || isTruncation(e)) {
                reason = "the payload is truncated (it ends inside a value)";
            }
            throw JacksonSupport.decodeFailure(CONTENT_TYPE, payload.length, type, reason, e);
        }
        long used = valueLength(payload);
        if (used != payload.length) {
            throw JacksonSupport.decodeFailure(CONTENT_TYPE, payload.length, type, (payload.length - used)
                    + " bytes follow the first MessagePack value; a payload must hold exactly one value", null);
        }
        return value;
    }

    private static boolean isTruncation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MessageInsufficientBufferException || t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    /** The length of the first MessagePack value in {@code payload}, which Jackson has already read whole. */
    private static long valueLength(byte[] payload) {
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(payload)) {
            unpacker.skipValue();
            return unpacker.getTotalReadBytes();
        } catch (IOException | RuntimeException e) {
            // Jackson read a whole value, so this cannot happen; do not hide a real value behind it.
            return payload.length;
        }
    }

    @Override
    public String toString() {
        return "MessagePackCodec[" + CONTENT_TYPE + "]";
    }
}

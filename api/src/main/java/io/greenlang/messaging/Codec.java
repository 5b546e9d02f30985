package io.greenlang.messaging;

/**
 * Turns objects into payload bytes and back. A broker has a default codec ({@link Broker#codec()}); the
 * content type travels with every message, so a consumer decodes correctly whatever its own default.
 *
 * <p>Implementations are thread-safe.
 */
public interface Codec {
    /** A short name, such as {@code json} or {@code msgpack}, as used in configuration. */
    String name();

    /** The content type of payloads this codec writes, such as {@code application/json}. */
    String contentType();

    /**
     * Encodes {@code value}.
     *
     * @throws MessagingException if the value cannot be encoded
     */
    byte[] encode(Object value);

    /**
     * Decodes {@code payload} as a {@code type}.
     *
     * @throws PayloadDecodingException if the bytes are not a valid encoding of {@code type}
     */
    <T> T decode(byte[] payload, Class<T> type);
}

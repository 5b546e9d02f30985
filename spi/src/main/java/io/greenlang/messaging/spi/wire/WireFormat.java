package io.greenlang.messaging.spi.wire;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import java.util.Objects;

/**
 * The binary envelope of a message, as network backends (Redis, Kafka) store it. Every field survives a round
 * trip exactly: {@code decode(encode(m)).equals(m)}, the declared provenance hash included.
 *
 * <h2>Layout, version 2</h2>
 * A <em>varint</em> is an unsigned LEB128 integer (7 bits per byte, least significant group first, high bit set
 * on every byte but the last) of at most 5 bytes and at most 2<sup>31</sup>-1. A <em>string</em> is a varint
 * length followed by that many bytes of UTF-8. Fixed-size integers are big-endian.
 * <ol>
 *   <li>magic: the bytes {@code 'G' 'L' 'M'} ({@code 47 4c 4d}), then the version byte {@code 02};</li>
 *   <li>flags, 1 byte: bit 0 expiresAt present, bit 1 correlationId present, bit 2 replyTo present, bit 3 key
 *       present, bit 4 provenance hash present, bit 5 content type as a code, bit 6 id as a UUID; bit 7 is
 *       0;</li>
 *   <li>id: with bit 6, the 16 bytes of a UUID (most significant first) whose canonical text, 36 characters of
 *       lower-case hex and hyphens as {@link java.util.UUID#toString()} writes it, is the id; otherwise a
 *       string;</li>
 *   <li>topic: a string; the empty string (no topic name is empty) stands for the topic of the carrier: one
 *       that keeps messages by topic (a Kafka topic, a stream) omits it ({@link #encodeWithoutTopic}), and its
 *       reader supplies it ({@link #decode(byte[], int, int, String)});</li>
 *   <li>contentType: with bit 5, 1 byte: {@code 0} {@code application/octet-stream}, {@code 1}
 *       {@code application/json}, {@code 2} {@code application/msgpack}; otherwise a string;</li>
 *   <li>headers: a varint count, then each name and value as strings, in no particular order;</li>
 *   <li>priority: 1 byte;</li>
 *   <li>createdAt: microseconds since 1970-01-01T00:00:00Z, 8 bytes, signed;</li>
 *   <li>expiresAt, if flagged: the same form;</li>
 *   <li>correlationId, replyTo, key, if flagged: strings;</li>
 *   <li>provenance hash, if flagged: the 32 bytes of the SHA-256;</li>
 *   <li>payload: a varint length and the bytes; nothing may follow.</li>
 * </ol>
 * <p>Version 1, still read, differs in two points: bit 6 is 0, so the id is always a string, and the topic is
 * always written. Readers of version 1 reject a version 2 envelope by its version byte, with a message that says
 * to upgrade.
 *
 * <p>Thread-safe and stateless. This class is the entry point; {@code EnvelopeEncoder} and
 * {@code EnvelopeDecoder} do the work, on the constants of {@code EnvelopeLayout}.
 */
public final class WireFormat {
    /** The envelope version this class writes; it reads this one and version 1. */
    public static final int VERSION = EnvelopeLayout.VERSION;

    private WireFormat() {
    }

    /**
     * Encodes every field of {@code message}; the array is sized once.
     *
     * @throws IllegalArgumentException if a string field holds an unpaired UTF-16 surrogate (it is not Unicode
     *     text and has no UTF-8 form), or a time lies outside the range of epoch microseconds in a {@code long}
     */
    public static byte[] encode(Message message) {
        return EnvelopeEncoder.encode(message, true);
    }

    /**
     * Encodes every field of {@code message} but its topic, for a carrier that keeps messages by topic: a reader
     * must name the topic to {@link #decode(byte[], int, int, String)}. Saves the topic's length.
     *
     * @throws IllegalArgumentException as {@link #encode(Message)}
     */
    public static byte[] encodeWithoutTopic(Message message) {
        return EnvelopeEncoder.encode(message, false);
    }

    /**
     * Decodes an envelope written by {@link #encode}.
     *
     * @throws PayloadDecodingException if {@code bytes} is empty, is not an envelope (wrong magic), has an
     *     unknown version or flags, is truncated (the message names the field), has bytes after the payload,
     *     holds an invalid field value (bad topic name, priority out of range, invalid UTF-8, ...), or omits its
     *     topic
     */
    public static Message decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length, null);
    }

    /**
     * Decodes the envelope in {@code bytes[offset, offset + length)}, as {@link #decode(byte[])} does a whole
     * array; offsets in error messages count from {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the range does not lie within {@code bytes}
     */
    public static Message decode(byte[] bytes, int offset, int length) {
        return decode(bytes, offset, length, null);
    }

    /** Decodes a whole array read from a carrier of topic {@code carrierTopic}, as the method below does a range. */
    public static Message decode(byte[] bytes, String carrierTopic) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length, carrierTopic);
    }

    /**
     * Decodes an envelope read from a carrier of topic {@code carrierTopic}: an envelope that omits its topic
     * ({@link #encodeWithoutTopic}) gets this one; one that names its own keeps it.
     *
     * @param carrierTopic the topic of the stream or Kafka topic the envelope was read from, or {@code null} if
     *     the reader knows none (an envelope that omits its topic then fails to decode)
     * @throws PayloadDecodingException as {@link #decode(byte[])}
     * @throws IndexOutOfBoundsException if the range does not lie within {@code bytes}
     */
    public static Message decode(byte[] bytes, int offset, int length, String carrierTopic) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return EnvelopeDecoder.decode(bytes, offset, length, carrierTopic);
    }

    /** The code of a content type written as one, else -1. */
    static int contentTypeCode(String contentType) {
        return EnvelopeLayout.contentTypeCode(contentType);
    }

    /** The 16 bytes of {@code id} if it is a UUID's canonical text, else {@code null}. */
    static byte[] uuidBytes(String id) {
        return CanonicalUuid.bytesOf(id);
    }

    /** The bytes of {@code v} as a varint. */
    static int varintSize(int v) {
        return EnvelopeLayout.varintSize(v);
    }
}

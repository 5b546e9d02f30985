package io.greenlang.messaging.spi.wire;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.codec.MessagePackCodec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
 * <p>Thread-safe and stateless.
 */
public final class WireFormat {
    /** The envelope version this class writes; it reads this one and version 1. */
    public static final int VERSION = 2;

    private static final int HAS_EXPIRY = 1;
    private static final int HAS_CORRELATION_ID = 1 << 1;
    private static final int HAS_REPLY_TO = 1 << 2;
    private static final int HAS_KEY = 1 << 3;
    private static final int HAS_HASH = 1 << 4;
    private static final int CONTENT_TYPE_CODED = 1 << 5;
    private static final int ID_AS_UUID = 1 << 6;
    private static final int KNOWN_FLAGS_V1 = HAS_EXPIRY | HAS_CORRELATION_ID | HAS_REPLY_TO | HAS_KEY | HAS_HASH
            | CONTENT_TYPE_CODED;
    private static final int KNOWN_FLAGS = KNOWN_FLAGS_V1 | ID_AS_UUID;
    private static final int HASH_BYTES = 32;
    private static final int UUID_TEXT_LENGTH = 36;
    private static final int UUID_BYTES = 16;
    /** The value of each lower-case hex digit by its character, -1 for other characters. */
    private static final byte[] LOWER_HEX = new byte['f' + 1];

    static {
        Arrays.fill(LOWER_HEX, (byte) -1);
        for (int d = 0; d < 16; d++) {
            LOWER_HEX["0123456789abcdef".charAt(d)] = (byte) d;
        }
    }
    private static final HexFormat HEX = HexFormat.of();
    /** The last topic decoded, by any thread; only ever replaced whole. */
    private static volatile String lastTopic;
    /** The content types written as a code: the code is the index. */
    private static final List<String> CODED_CONTENT_TYPES = List.of(Message.OCTET_STREAM,
            JsonCodec.CONTENT_TYPE, MessagePackCodec.CONTENT_TYPE);

    private WireFormat() {
    }

    /**
     * Encodes every field of {@code message}; the array is sized once.
     *
     * @throws IllegalArgumentException if a string field holds an unpaired UTF-16 surrogate (it is not Unicode
     *     text and has no UTF-8 form), or a time lies outside the range of epoch microseconds in a {@code long}
     */
    public static byte[] encode(Message message) {
        return encode(message, true);
    }

    /**
     * Encodes every field of {@code message} but its topic, for a carrier that keeps messages by topic: a reader
     * must name the topic to {@link #decode(byte[], int, int, String)}. Saves the topic's length.
     *
     * @throws IllegalArgumentException as {@link #encode(Message)}
     */
    public static byte[] encodeWithoutTopic(Message message) {
        return encode(message, false);
    }

    private static byte[] encode(Message message, boolean withTopic) {
        Objects.requireNonNull(message, "message");
        Optional<Instant> expiresAt = message.expiresAt();
        String correlationId = message.correlationId().orElse(null);
        String replyTo = message.replyTo().orElse(null);
        String key = message.key().orElse(null);
        byte[] hash = message.provenanceHashBytes().orElse(null);
        long createdMicros = micros(message.createdAt(), "createdAt");
        long expiryMicros = expiresAt.isPresent() ? micros(expiresAt.get(), "expiresAt") : 0;
        Map<String, String> headers = message.headers();
        int payloadSize = message.payloadSize();
        String contentType = message.contentType();
        int contentTypeCode = contentTypeCode(contentType);

        // the UTF-8 length of every string, in the order they are written, so each is measured once
        int[] lengths = new int[3 + 2 * headers.size() + 3];
        int n = 0;
        int flags = 0;
        long size = 4 + 1 + varintSize(headers.size()) + 1 + 8;
        byte[] uuid = uuidBytes(message.id());
        if (uuid != null) {
            flags |= ID_AS_UUID;
            size += UUID_BYTES;
        } else {
            lengths[n++] = utf8Length(message.id(), "id");
        }
        if (withTopic) {
            lengths[n++] = utf8Length(message.topic(), "topic");
        } else {
            size += 1;
        }
        if (contentTypeCode >= 0) {
            flags |= CONTENT_TYPE_CODED;
            size += 1;
        } else {
            lengths[n++] = utf8Length(contentType, "contentType");
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            lengths[n++] = utf8Length(e.getKey(), "header name");
            lengths[n++] = utf8Length(e.getValue(), "header " + e.getKey());
        }
        if (expiresAt.isPresent()) {
            flags |= HAS_EXPIRY;
            size += 8;
        }
        if (correlationId != null) {
            flags |= HAS_CORRELATION_ID;
            lengths[n++] = utf8Length(correlationId, "correlationId");
        }
        if (replyTo != null) {
            flags |= HAS_REPLY_TO;
            lengths[n++] = utf8Length(replyTo, "replyTo");
        }
        if (key != null) {
            flags |= HAS_KEY;
            lengths[n++] = utf8Length(key, "key");
        }
        if (hash != null) {
            flags |= HAS_HASH;
            size += HASH_BYTES;
        }
        for (int i = 0; i < n; i++) {
            size += varintSize(lengths[i]) + (long) lengths[i];
        }
        size += varintSize(payloadSize) + payloadSize;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Message " + message.id() + " is too large for an envelope ("
                    + size + " bytes)");
        }

        Writer w = new Writer((int) size, lengths);
        w.u8('G');
        w.u8('L');
        w.u8('M');
        w.u8(VERSION);
        w.u8(flags);
        if (uuid != null) {
            System.arraycopy(uuid, 0, w.buffer, w.position, UUID_BYTES);
            w.position += UUID_BYTES;
        } else {
            w.string(message.id());
        }
        if (withTopic) {
            w.string(message.topic());
        } else {
            w.u8(0); // the empty string: the carrier's topic
        }
        if (contentTypeCode >= 0) {
            w.u8(contentTypeCode);
        } else {
            w.string(contentType);
        }
        w.varint(headers.size());
        for (Map.Entry<String, String> e : headers.entrySet()) {
            w.string(e.getKey());
            w.string(e.getValue());
        }
        w.u8(message.priority());
        w.int64(createdMicros);
        if (expiresAt.isPresent()) {
            w.int64(expiryMicros);
        }
        if (correlationId != null) {
            w.string(correlationId);
        }
        if (replyTo != null) {
            w.string(replyTo);
        }
        if (key != null) {
            w.string(key);
        }
        if (hash != null) {
            System.arraycopy(hash, 0, w.buffer, w.position, HASH_BYTES);
            w.position += HASH_BYTES;
        }
        w.varint(payloadSize);
        message.payloadBuffer().get(w.buffer, w.position, payloadSize);
        w.position += payloadSize;
        assert w.position == w.buffer.length;
        return w.buffer;
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
        return new Reader(bytes, offset, offset + length).message(carrierTopic);
    }

    /** The code of a content type written as one, else -1; a message's content type is mostly the constant. */
    static int contentTypeCode(String contentType) {
        for (int code = 0; code < CODED_CONTENT_TYPES.size(); code++) {
            if (CODED_CONTENT_TYPES.get(code) == contentType) {
                return code;
            }
        }
        return CODED_CONTENT_TYPES.indexOf(contentType);
    }

    /**
     * The 16 bytes of {@code id} if it is a UUID's canonical text (8-4-4-4-12 lower-case hex digits, as
     * {@link UUID#toString()} writes it), else {@code null}.
     */
    static byte[] uuidBytes(String id) {
        if (id.length() != UUID_TEXT_LENGTH
                || id.charAt(8) != '-' || id.charAt(13) != '-' || id.charAt(18) != '-' || id.charAt(23) != '-') {
            return null;
        }
        byte[] out = new byte[UUID_BYTES];
        int invalid = 0;
        int o = 0;
        for (int i = 0; i < UUID_TEXT_LENGTH; i += 2) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                i++; // a hyphen: the digits after it pair up from the next character
            }
            int high = lowerHexDigit(id.charAt(i));
            int low = lowerHexDigit(id.charAt(i + 1));
            invalid |= high | low;
            out[o++] = (byte) (high << 4 | low);
        }
        return invalid < 0 ? null : out;
    }

    /** 0 to 15 for {@code 0-9} and {@code a-f}, else -1. */
    private static int lowerHexDigit(char c) {
        return c < LOWER_HEX.length ? LOWER_HEX[c] : -1;
    }

    private static long micros(Instant instant, String field) {
        try {
            return EpochMicros.of(instant);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + " " + instant
                    + " cannot be written as epoch microseconds in 64 bits", e);
        }
    }

    private static Instant instant(long micros) {
        return EpochMicros.toInstant(micros);
    }

    static int varintSize(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** The UTF-8 length of {@code s}; rejects unpaired surrogates, which have no UTF-8 form. */
    private static int utf8Length(String s, String field) {
        int n = s.length();
        long length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        length += 2; // 4 bytes for two chars
                        i++;
                    } else {
                        throw new IllegalArgumentException("Field " + field + " holds an unpaired UTF-16 "
                                + "surrogate at index " + i + ", which is not Unicode text and cannot be encoded");
                    }
                } else {
                    length += 2;
                }
            }
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Field " + field + " is too long to encode");
        }
        return (int) length;
    }

    /** Writes into an array of the exact size; strings take their UTF-8 lengths from {@code lengths}, in order. */
    private static final class Writer {
        final byte[] buffer;
        int position;
        private final int[] lengths;
        private int nextLength;

        Writer(int size, int[] lengths) {
            this.buffer = new byte[size];
            this.lengths = lengths;
        }

        void u8(int v) {
            buffer[position++] = (byte) v;
        }

        void varint(int v) {
            while ((v & ~0x7F) != 0) {
                buffer[position++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[position++] = (byte) v;
        }

        void int64(long v) {
            for (int i = 7; i >= 0; i--) {
                buffer[position + i] = (byte) v;
                v >>>= 8;
            }
            position += 8;
        }

        /** A varint UTF-8 length, then the UTF-8, encoded in place (the string was checked by utf8Length). */
        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the plain copy ASCII needs
        void string(String s) {
            int length = lengths[nextLength++];
            varint(length);
            int n = s.length();
            if (length == n) { // only ASCII has as many UTF-8 bytes as chars
                s.getBytes(0, n, buffer, position);
                position += n;
                return;
            }
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    buffer[position++] = (byte) c;
                } else if (c < 0x800) {
                    buffer[position++] = (byte) (0xC0 | (c >> 6));
                    buffer[position++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c)) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buffer[position++] = (byte) (0xF0 | (cp >> 18));
                    buffer[position++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buffer[position++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buffer[position++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    buffer[position++] = (byte) (0xE0 | (c >> 12));
                    buffer[position++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buffer[position++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }
    }

    /** Reads one envelope, failing with a precise {@link PayloadDecodingException}. */
    private static final class Reader {
        private final byte[] b;
        private final int from;
        private final int end;
        private int position;

        /** Reads {@code bytes[from, end)}. */
        Reader(byte[] bytes, int from, int end) {
            this.b = bytes;
            this.from = from;
            this.end = end;
            this.position = from;
        }

        Message message(String carrierTopic) {
            if (end == from) {
                throw fail("the input is empty (0 bytes)");
            }
            int prefix = Math.min(3, end - from);
            for (int i = 0; i < prefix; i++) {
                if (b[from + i] != "GLM".charAt(i)) {
                    throw new PayloadDecodingException("Not a GreenLang message envelope (first bytes "
                            + firstBytes() + "; an envelope starts with 47 4c 4d, \"GLM\"). The record was not "
                            + "written by a GreenLang Messaging backend.");
                }
            }
            if (end - from < 4) {
                throw truncated("magic and version", 4 - (end - from));
            }
            position = from + 3;
            int version = u8("version");
            if (version != VERSION && version != 1) {
                throw fail("envelope version " + version + " is not supported; this library reads versions 1 to "
                        + VERSION + ". Upgrade greenlang-messaging on this consumer");
            }
            int flags = u8("flags");
            int known = version == 1 ? KNOWN_FLAGS_V1 : KNOWN_FLAGS;
            if ((flags & ~known) != 0) {
                throw fail(String.format("unknown flags 0x%02x in a version %d envelope", flags & ~known, version));
            }
            String id = (flags & ID_AS_UUID) != 0 ? uuid() : string("id");
            String topic = topic(version == 1 ? null : carrierTopic); // version 1 always names its topic
            String field = "topic";
            Message.Builder builder;
            try {
                builder = Message.builder(topic);
                field = "id";
                builder.id(id);
                field = "contentType";
                builder.contentType((flags & CONTENT_TYPE_CODED) != 0 ? contentTypeCode() : contentType());
                int headerCount = varint("header count");
                if (headerCount > remaining() / 2) {
                    throw fail("the header count " + headerCount + " exceeds what the remaining " + remaining()
                            + " bytes can hold");
                }
                Set<String> names = headerCount == 0 ? Set.of() : new HashSet<>();
                for (int i = 0; i < headerCount; i++) {
                    String name = string("header name");
                    field = "header '" + name + "' value";
                    String value = string(field);
                    if (!names.add(name)) {
                        throw fail("header '" + name + "' appears twice");
                    }
                    field = "header '" + name + "'";
                    builder.header(name, value);
                }
                field = "priority";
                builder.priority(u8(field));
                builder.createdAt(instant(int64("createdAt")));
                if ((flags & HAS_EXPIRY) != 0) {
                    builder.expiresAt(instant(int64("expiresAt")));
                }
                if ((flags & HAS_CORRELATION_ID) != 0) {
                    field = "correlationId";
                    builder.correlationId(string(field));
                }
                if ((flags & HAS_REPLY_TO) != 0) {
                    field = "replyTo";
                    builder.replyTo(string(field));
                }
                if ((flags & HAS_KEY) != 0) {
                    field = "key";
                    builder.key(string(field));
                }
            } catch (IllegalArgumentException e) {
                throw fail("field '" + field + "' is invalid: " + e.getMessage());
            }
            if ((flags & HAS_HASH) != 0) {
                require("provenance hash", HASH_BYTES);
                builder.provenanceHashBytes(b, position);
                position += HASH_BYTES;
            }
            int payloadLength = varint("payload length");
            require("payload", payloadLength);
            if (position + payloadLength != end) {
                throw fail((end - position - payloadLength) + " unexpected bytes follow the payload");
            }
            builder.payload(b, position, payloadLength);
            position += payloadLength;
            return builder.build();
        }

        /**
         * The topic: the carrier's if the envelope omits it, else the very string of the last topic decoded if the
         * bytes match it, so that a stream of one topic allocates no topic strings and the name check recognises
         * it (see {@code Names}).
         */
        private String topic(String carrierTopic) {
            int start = position;
            int length = varint("topic length");
            if (length == 0) {
                if (carrierTopic == null) {
                    throw fail("it omits its topic, which the reader must supply as the topic it was read from; "
                            + "decode it with WireFormat.decode(bytes, offset, length, topic)");
                }
                return carrierTopic;
            }
            require("topic", length);
            String last = lastTopic;
            if (last != null && last.length() == length && matches(last, position)) {
                position += length;
                return last;
            }
            position = start;
            String topic = string("topic");
            lastTopic = topic;
            return topic;
        }

        /** A UUID's 16 bytes, as its canonical text. */
        private String uuid() {
            require("id", UUID_BYTES);
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (b[position + i] & 0xFF);
                lsb = (lsb << 8) | (b[position + 8 + i] & 0xFF);
            }
            position += UUID_BYTES;
            return new UUID(msb, lsb).toString();
        }

        private String contentTypeCode() {
            int code = u8("contentType");
            if (code >= CODED_CONTENT_TYPES.size()) {
                throw fail("the content type code " + code + " is unknown; this library knows codes 0 to "
                        + (CODED_CONTENT_TYPES.size() - 1) + ". Upgrade greenlang-messaging on this consumer");
            }
            return CODED_CONTENT_TYPES.get(code);
        }

        /** A content type written as a string; the common ones are the very constants, read without a new one. */
        private String contentType() {
            int start = position;
            int length = varint("contentType length");
            require("contentType", length);
            for (String known : CODED_CONTENT_TYPES) {
                if (known.length() == length && matches(known, position)) {
                    position += length;
                    return known;
                }
            }
            position = start;
            return string("contentType");
        }

        private boolean matches(String ascii, int at) {
            for (int i = 0; i < ascii.length(); i++) {
                if (b[at + i] != ascii.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private int remaining() {
            return end - position;
        }

        private void require(String field, int count) {
            if (count > remaining()) {
                throw truncated(field, count - remaining());
            }
        }

        private int u8(String field) {
            require(field, 1);
            return b[position++] & 0xFF;
        }

        private long int64(String field) {
            require(field, 8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[position++] & 0xFF);
            }
            return v;
        }

        private int varint(String field) {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int octet = u8(field);
                value |= (octet & 0x7F) << shift;
                if ((octet & 0x80) == 0) {
                    if (shift == 28 && octet > 0x07) {
                        throw fail("the length in field '" + field + "' exceeds 2^31-1");
                    }
                    return value;
                }
            }
            throw fail("the varint in field '" + field + "' is longer than 5 bytes");
        }

        private String string(String field) {
            int length = varint(field + " length");
            require(field, length);
            int start = position;
            position += length;
            boolean ascii = true;
            for (int i = start; i < position; i++) {
                if (b[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return new String(b, start, length, StandardCharsets.ISO_8859_1);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, start, length))
                        .toString();
            } catch (CharacterCodingException e) {
                throw fail("field '" + field + "' at offset " + (start - from) + " is not valid UTF-8");
            }
        }

        private PayloadDecodingException truncated(String field, int missing) {
            return fail("it is truncated in field '" + field + "' (" + missing + " more byte"
                    + (missing == 1 ? "" : "s") + " needed at offset " + (Math.min(position, end) - from) + ")");
        }

        private PayloadDecodingException fail(String reason) {
            return new PayloadDecodingException("Invalid GreenLang message envelope of " + (end - from)
                    + " bytes: " + reason + (reason.endsWith(".") ? "" : "."));
        }

        private String firstBytes() {
            return HEX.withDelimiter(" ").formatHex(b, from, from + Math.min(8, end - from));
        }
    }
}

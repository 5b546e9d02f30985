package io.greenlang.messaging.spi.wire;

import io.greenlang.messaging.Message;
import java.util.Map;
import java.util.Objects;

/**
 * The size a message counts against the broker's {@code max-message-size}: the bytes of its {@link WireFormat}
 * envelope with its topic and its 32-byte provenance hash (every stored message carries one), so every string
 * field counts in UTF-8 bytes, not characters. What a backend stores is at most this: Redis and Kafka store the
 * envelope (Kafka without the topic, plus the key again as the record key, which the backend's record limits
 * allow for).
 *
 * <p>{@link #atMost} is a cheap bound (3 bytes a character) for the common case far below the limit; {@link #of}
 * counts exactly, without encoding. Stateless and thread-safe.
 */
public final class EnvelopeSize {
    /** The fixed part: magic and version (4), flags (1), priority (1), createdAt (8), expiresAt (8), hash (32). */
    private static final int FIXED = 4 + 1 + 1 + 8 + 8 + 32;
    /** The longest varint length prefix. */
    private static final int MAX_VARINT = 5;
    /** UTF-8 needs at most 3 bytes per UTF-16 char (a surrogate pair, two chars, takes 4). */
    private static final int MAX_UTF8_PER_CHAR = 3;

    private EnvelopeSize() {
    }

    /** Whether {@code message} is within {@code limit} bytes as {@link #of} counts; exact counting only near it. */
    public static boolean fits(Message message, long limit) {
        return atMost(message) <= limit || of(message) <= limit;
    }

    /** A bound never below {@link #of}: every character counted as 3 bytes, every length prefix as 5. */
    public static long atMost(Message message) {
        Objects.requireNonNull(message, "message");
        long chars = message.id().length() + message.topic().length() + message.contentType().length();
        int strings = 3;
        for (Map.Entry<String, String> e : message.headers().entrySet()) {
            chars += e.getKey().length() + e.getValue().length();
        }
        strings += 2 * message.headers().size();
        String correlationId = message.correlationId().orElse(null);
        String replyTo = message.replyTo().orElse(null);
        String key = message.key().orElse(null);
        if (correlationId != null) {
            chars += correlationId.length();
            strings++;
        }
        if (replyTo != null) {
            chars += replyTo.length();
            strings++;
        }
        if (key != null) {
            chars += key.length();
            strings++;
        }
        return FIXED + MAX_VARINT /* header count */ + (long) strings * MAX_VARINT + chars * MAX_UTF8_PER_CHAR
                + MAX_VARINT + message.payloadSize();
    }

    /**
     * The exact length of {@code WireFormat.encode(message)} once the message carries its provenance hash. A string
     * with an unpaired surrogate (which cannot be encoded) counts it as 3 bytes.
     */
    public static long of(Message message) {
        Objects.requireNonNull(message, "message");
        long size = 4 + 1 + WireFormat.varintSize(message.headers().size()) + 1 + 8 + 32;
        size += WireFormat.uuidBytes(message.id()) != null ? 16 : string(message.id());
        size += string(message.topic());
        size += WireFormat.contentTypeCode(message.contentType()) >= 0 ? 1 : string(message.contentType());
        for (Map.Entry<String, String> e : message.headers().entrySet()) {
            size += string(e.getKey()) + string(e.getValue());
        }
        if (message.expiresAt().isPresent()) {
            size += 8;
        }
        size += message.correlationId().map(EnvelopeSize::string).orElse(0L);
        size += message.replyTo().map(EnvelopeSize::string).orElse(0L);
        size += message.key().map(EnvelopeSize::string).orElse(0L);
        return size + WireFormat.varintSize(message.payloadSize()) + message.payloadSize();
    }

    /** A string as the envelope writes it: varint length, then UTF-8. */
    private static long string(String s) {
        long n = utf8Length(s);
        return (n > Integer.MAX_VALUE ? MAX_VARINT : WireFormat.varintSize((int) n)) + n;
    }

    static long utf8Length(String s) {
        int n = s.length();
        long length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 2; // 4 bytes for two chars
                    i++;
                } else {
                    length += 2;
                }
            }
        }
        return length;
    }
}

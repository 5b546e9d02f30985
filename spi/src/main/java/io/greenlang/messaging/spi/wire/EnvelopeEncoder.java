package io.greenlang.messaging.spi.wire;

import static io.greenlang.messaging.spi.wire.EnvelopeLayout.CONTENT_TYPE_CODED;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HASH_BYTES;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_CORRELATION_ID;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_EXPIRY;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_HASH;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_KEY;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_REPLY_TO;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.ID_AS_UUID;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.UUID_BYTES;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.varintSize;

import io.greenlang.messaging.Message;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Encodes a message as a version 2 envelope: first measures every field and sets the flags, so the array is
 * sized once, then writes the fields in order with an {@link EnvelopeWriter}.
 */
final class EnvelopeEncoder {
    private EnvelopeEncoder() {
    }

    /**
     * The envelope of {@code message}, with its topic or, for a carrier that keeps messages by topic, without.
     *
     * @throws IllegalArgumentException if a string field holds an unpaired UTF-16 surrogate, a time lies outside
     *     the range of epoch microseconds in a {@code long}, or the envelope would not fit an array
     */
    static byte[] encode(Message message, boolean withTopic) {
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
        int contentTypeCode = EnvelopeLayout.contentTypeCode(contentType);

        // the UTF-8 length of every string, in the order they are written, so each is measured once
        int[] lengths = new int[3 + 2 * headers.size() + 3];
        int n = 0;
        int flags = 0;
        long size = 4 + 1 + varintSize(headers.size()) + 1 + 8;
        byte[] uuid = CanonicalUuid.bytesOf(message.id());
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

        EnvelopeWriter w = new EnvelopeWriter((int) size, lengths);
        for (int i = 0; i < EnvelopeLayout.MAGIC.length(); i++) {
            w.u8(EnvelopeLayout.MAGIC.charAt(i));
        }
        w.u8(EnvelopeLayout.VERSION);
        w.u8(flags);
        if (uuid != null) {
            w.raw(uuid, UUID_BYTES);
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
            w.raw(hash, HASH_BYTES);
        }
        w.varint(payloadSize);
        w.raw(message.payloadBuffer(), payloadSize);
        return w.finish();
    }

    private static long micros(Instant instant, String field) {
        try {
            return EpochMicros.of(instant);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + " " + instant
                    + " cannot be written as epoch microseconds in 64 bits", e);
        }
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
}

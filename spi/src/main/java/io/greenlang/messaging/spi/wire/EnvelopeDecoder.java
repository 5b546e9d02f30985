package io.greenlang.messaging.spi.wire;

import static io.greenlang.messaging.spi.wire.EnvelopeLayout.CODED_CONTENT_TYPES;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.CONTENT_TYPE_CODED;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HASH_BYTES;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_CORRELATION_ID;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_EXPIRY;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_HASH;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_KEY;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.HAS_REPLY_TO;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.ID_AS_UUID;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.KNOWN_FLAGS;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.KNOWN_FLAGS_V1;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.UUID_BYTES;
import static io.greenlang.messaging.spi.wire.EnvelopeLayout.VERSION;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import java.util.HashSet;
import java.util.Set;

/**
 * Decodes one envelope of version 1 or 2 field by field, validating each value as {@link Message.Builder} does
 * and failing with a {@link PayloadDecodingException} that names the field.
 */
final class EnvelopeDecoder {
    /** The last topic decoded, by any thread; only ever replaced whole. */
    private static volatile String lastTopic;

    private final EnvelopeReader in;

    private EnvelopeDecoder(EnvelopeReader in) {
        this.in = in;
    }

    /**
     * The message in {@code bytes[offset, offset + length)}; {@code carrierTopic} is the topic of an envelope that
     * omits its own, or {@code null}. The caller has checked the range.
     */
    static Message decode(byte[] bytes, int offset, int length, String carrierTopic) {
        return new EnvelopeDecoder(new EnvelopeReader(bytes, offset, offset + length)).message(carrierTopic);
    }

    private Message message(String carrierTopic) {
        int version = in.magicAndVersion();
        if (version != VERSION && version != 1) {
            throw in.fail("envelope version " + version + " is not supported; this library reads versions 1 to "
                    + VERSION + ". Upgrade greenlang-messaging on this consumer");
        }
        int flags = in.u8("flags");
        int known = version == 1 ? KNOWN_FLAGS_V1 : KNOWN_FLAGS;
        if ((flags & ~known) != 0) {
            throw in.fail(String.format("unknown flags 0x%02x in a version %d envelope", flags & ~known, version));
        }
        String id = (flags & ID_AS_UUID) != 0 ? uuid() : in.string("id");
        String topic = topic(version == 1 ? null : carrierTopic); // version 1 always names its topic
        String field = "topic";
        Message.Builder builder;
        try {
            builder = Message.builder(topic);
            field = "id";
            builder.id(id);
            field = "contentType";
            builder.contentType((flags & CONTENT_TYPE_CODED) != 0 ? contentTypeCode() : contentType());
            int headerCount = in.varint("header count");
            if (headerCount > in.remaining() / 2) {
                throw in.fail("the header count " + headerCount + " exceeds what the remaining " + in.remaining()
                        + " bytes can hold");
            }
            Set<String> names = headerCount == 0 ? Set.of() : new HashSet<>();
            for (int i = 0; i < headerCount; i++) {
                String name = in.string("header name");
                field = "header '" + name + "' value";
                String value = in.string(field);
                if (!names.add(name)) {
                    throw in.fail("header '" + name + "' appears twice");
                }
                field = "header '" + name + "'";
                builder.header(name, value);
            }
            field = "priority";
            builder.priority(in.u8(field));
            builder.createdAt(EpochMicros.toInstant(in.int64("createdAt")));
            if ((flags & HAS_EXPIRY) != 0) {
                builder.expiresAt(EpochMicros.toInstant(in.int64("expiresAt")));
            }
            if ((flags & HAS_CORRELATION_ID) != 0) {
                field = "correlationId";
                builder.correlationId(in.string(field));
            }
            if ((flags & HAS_REPLY_TO) != 0) {
                field = "replyTo";
                builder.replyTo(in.string(field));
            }
            if ((flags & HAS_KEY) != 0) {
                field = "key";
                builder.key(in.string(field));
            }
        } catch (IllegalArgumentException e) {
            throw in.fail("field '" + field + "' is invalid: " + e.getMessage());
        }
        if ((flags & HAS_HASH) != 0) {
            builder.provenanceHashBytes(in.bytes(), in.take("provenance hash", HASH_BYTES));
        }
        int payloadLength = in.varint("payload length");
        int payloadAt = in.take("payload", payloadLength);
        if (in.remaining() != 0) {
            throw in.fail(in.remaining() + " unexpected bytes follow the payload");
        }
        builder.payload(in.bytes(), payloadAt, payloadLength);
        return builder.build();
    }

    /**
     * The topic: the carrier's if the envelope omits it, else the very string of the last topic decoded if the
     * bytes match it, so that a stream of one topic allocates no topic strings and the name check recognises
     * it (see {@code Names}).
     */
    private String topic(String carrierTopic) {
        int start = in.position();
        int length = in.varint("topic length");
        if (length == 0) {
            if (carrierTopic == null) {
                throw in.fail("it omits its topic, which the reader must supply as the topic it was read from; "
                        + "decode it with WireFormat.decode(bytes, offset, length, topic)");
            }
            return carrierTopic;
        }
        in.require("topic", length);
        String last = lastTopic;
        if (last != null && last.length() == length && in.skipIfNext(last)) {
            return last;
        }
        in.rewindTo(start);
        String topic = in.string("topic");
        lastTopic = topic;
        return topic;
    }

    /** A UUID's 16 bytes, as its canonical text. */
    private String uuid() {
        return CanonicalUuid.textOf(in.bytes(), in.take("id", UUID_BYTES));
    }

    private String contentTypeCode() {
        int code = in.u8("contentType");
        if (code >= CODED_CONTENT_TYPES.size()) {
            throw in.fail("the content type code " + code + " is unknown; this library knows codes 0 to "
                    + (CODED_CONTENT_TYPES.size() - 1) + ". Upgrade greenlang-messaging on this consumer");
        }
        return CODED_CONTENT_TYPES.get(code);
    }

    /** A content type written as a string; the common ones are the very constants, read without a new one. */
    private String contentType() {
        int start = in.position();
        int length = in.varint("contentType length");
        in.require("contentType", length);
        for (String known : CODED_CONTENT_TYPES) {
            if (known.length() == length && in.skipIfNext(known)) {
                return known;
            }
        }
        in.rewindTo(start);
        return in.string("contentType");
    }
}

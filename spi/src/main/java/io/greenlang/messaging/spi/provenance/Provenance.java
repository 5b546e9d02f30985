package io.greenlang.messaging.spi.provenance;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.codec.MessagePackCodec;
import io.greenlang.messaging.spi.wire.EpochMicros;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The provenance hash of a message: SHA-256 over a canonical encoding of its immutable fields, written as 64
 * lowercase hex digits. The same message gives the same hash whichever codec (JSON or MessagePack) encoded its
 * payload and whichever backend carried it.
 *
 * <h2>Canonical encoding (a public contract: other clients reproduce it byte for byte)</h2>
 * Integers are big-endian. A <em>string</em> is its UTF-8 bytes preceded by their length as a 4-byte signed
 * integer; an absent optional string is the length {@code -1} ({@code ff ff ff ff}) and no bytes. In order:
 * <ol>
 *   <li>the magic {@code "GLM1"}: 4 ASCII bytes, no length;</li>
 *   <li>id, topic: strings;</li>
 *   <li>headers: their count (4 bytes), then each key and value as strings, sorted by the unsigned bytes of the
 *       key's UTF-8 (that is, by Unicode code point);</li>
 *   <li>priority: 1 byte;</li>
 *   <li>createdAt: microseconds since 1970-01-01T00:00:00Z, 8-byte signed;</li>
 *   <li>expiresAt: the byte 0 when the message has no expiry, else the byte 1 followed by microseconds since
 *       the epoch, 8-byte signed;</li>
 *   <li>correlationId, replyTo, key: optional strings;</li>
 *   <li>the payload: a tag byte, then a 4-byte length and that many bytes. When the content type's media type
 *       belongs to the JSON codec ({@code application/json}, {@code text/json}, {@code application/*+json}) or
 *       the MessagePack codec ({@code application/msgpack}, {@code application/x-msgpack},
 *       {@code application/vnd.msgpack}) and the payload is exactly one valid value of that format, the tag is
 *       {@code 'S'} (0x53) and the bytes are the value's <em>canonical JSON</em>; otherwise the tag is
 *       {@code 'R'} (0x52) and the bytes are the payload as it is.</li>
 * </ol>
 * The content type itself, and any declared hash, are not hashed.
 *
 * <p><em>Canonical JSON</em>: UTF-8, no whitespace; object members sorted by key code point; strings escape
 * {@code "} and {@code \} with a backslash, U+0008, U+0009, U+000A, U+000C and U+000D as {@code \b \t \n \f
 * \r}, other characters below U+0020 as {@code \}{@code u00xx} (lower-case hex), and write every other
 * character as itself; MessagePack binary values become strings of their standard base64 (RFC 4648, padded);
 * numbers are plain decimals with no exponent, no {@code +}, no leading zeros, no trailing fractional zeros
 * and no fractional part when they are whole ({@code 1}, {@code 1.0} and {@code 1e0} are all {@code 1};
 * {@code -0.0} is {@code 0}). JSON numbers keep their exact decimal value. MessagePack floats (binary64, or
 * binary32) are written as the decimal with the fewest significant digits (1 to 17, or 1 to 9) that is the
 * value's exact binary value rounded half-even and reads back as the same binary value, so that
 * {@code 0.1} written by either codec hashes the same. A payload is hashed raw instead (tag {@code 'R'}) when
 * it holds something canonical JSON cannot express: duplicate object keys, a non-string MessagePack map key,
 * a MessagePack extension type, NaN or infinity, an unpaired surrogate or invalid UTF-8, nesting deeper than
 * 500, a number whose canonical form exceeds 400 characters, or bytes after the value.
 *
 * <p>How it is computed, which changes no hash: a JSON or MessagePack payload whose object keys already come in
 * canonical order, as {@link JsonCodec} and {@link MessagePackCodec} write them, is canonicalized in one pass over
 * its bytes, straight into the hashed buffer; any other payload is parsed into a tree and sorted. The one-pass
 * way decides from the bytes alone and gives up on anything it is not sure of (keys out of order or needing
 * escapes, escaped non-ASCII characters, long numbers, deep nesting, malformed input), so a payload from another
 * client, or a forged one, hashes exactly as above. No envelope field says "already canonical": such a claim
 * could not be trusted.
 *
 * <p>Thread-safe: every thread reuses its own {@link MessageDigest} and encoding buffers.
 */
public final class Provenance {
    private static final byte[] MAGIC = {'G', 'L', 'M', '1'};
    private static final byte TAG_STRUCTURED = 'S';
    private static final byte TAG_RAW = 'R';
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

    private Provenance() {
    }

    /**
     * Computes the hash of {@code message}: 64 lowercase hex digits. Never fails because of the payload: one
     * that does not parse is hashed raw.
     *
     * @param codecs decides which content types are JSON or MessagePack, by the codecs named {@code json} and
     *     {@code msgpack}
     * @throws IllegalArgumentException if a time of the message lies outside the range of epoch microseconds
     *     held in a {@code long} (about 292,000 years around 1970)
     */
    public static String hash(Message message, Codecs codecs) {
        return HEX.formatHex(digest(message, codecs));
    }

    /** The hash's 32 bytes in the calling thread's buffer, valid until the thread's next digest. */
    private static byte[] digest(Message message, Codecs codecs) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codecs, "codecs");
        Hasher h = HASHER.get();
        h.reset();
        h.bytes(MAGIC);
        h.string(message.id());
        h.string(message.topic());
        h.headers(message.headers());
        h.u8(message.priority());
        h.int64(micros(message.createdAt(), "createdAt"));
        Optional<Instant> expiry = message.expiresAt();
        if (expiry.isPresent()) {
            h.u8(1);
            h.int64(micros(expiry.get(), "expiresAt"));
        } else {
            h.u8(0);
        }
        h.optional(message.correlationId());
        h.optional(message.replyTo());
        h.optional(message.key());
        if (h.canonicalizeInOnePass(message, payloadFormat(message, codecs))) {
            return h.digest();
        }
        byte[] canonical = canonicalPayload(message, codecs);
        if (canonical != null) {
            h.u8(TAG_STRUCTURED);
            h.int32(canonical.length);
            h.bytes(canonical);
        } else {
            h.u8(TAG_RAW);
            h.int32(message.payloadSize());
            h.payload(message);
        }
        return h.digest();
    }

    /**
     * Returns {@code message} unchanged if it declares a hash, else a copy that declares its computed hash.
     *
     * @throws IllegalArgumentException as {@link #hash}
     */
    public static Message stamp(Message message, Codecs codecs) {
        Objects.requireNonNull(message, "message");
        if (message.provenanceHashBytes().isPresent()) {
            return message;
        }
        return message.withProvenanceHashBytes(digest(message, codecs)); // copies the thread's buffer
    }

    /**
     * Whether {@code message} declares a hash and it equals the computed one: {@code false} for an unstamped
     * message, or one whose fields changed after stamping.
     *
     * @throws IllegalArgumentException as {@link #hash}
     */
    public static boolean verify(Message message, Codecs codecs) {
        Objects.requireNonNull(message, "message");
        Optional<byte[]> declared = message.provenanceHashBytes();
        return declared.isPresent() && Arrays.equals(declared.get(), digest(message, codecs));
    }

    /** The structured formats a payload can be canonicalized from. */
    private enum PayloadFormat { JSON, MESSAGE_PACK, OTHER }

    private static PayloadFormat payloadFormat(Message message, Codecs codecs) {
        String contentType = message.contentType();
        if (contentType.equals(Message.OCTET_STREAM) || message.payloadSize() == 0) {
            return PayloadFormat.OTHER;
        }
        Optional<Codec> codec = codecs.forContentType(contentType);
        if (codec.isEmpty()) {
            return PayloadFormat.OTHER;
        }
        String name = codec.get().name();
        if (name.equalsIgnoreCase(JsonCodec.NAME)) {
            return PayloadFormat.JSON;
        }
        if (name.equalsIgnoreCase(MessagePackCodec.NAME)) {
            return PayloadFormat.MESSAGE_PACK;
        }
        return PayloadFormat.OTHER;
    }

    /** The canonical JSON of a JSON or MessagePack payload, or {@code null} to hash the raw bytes. */
    private static byte[] canonicalPayload(Message message, Codecs codecs) {
        switch (payloadFormat(message, codecs)) {
            case JSON:
                return CanonicalPayload.fromJson(message.payload());
            case MESSAGE_PACK:
                return CanonicalPayload.fromMessagePack(message.payload());
            default:
                return null;
        }
    }

    private static long micros(Instant instant, String field) {
        try {
            return EpochMicros.of(instant);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + " " + instant
                    + " cannot be written as epoch microseconds in 64 bits", e);
        }
    }

    /** Compares strings by Unicode code point, which is the order of their UTF-8 bytes. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * A thread's digest, and the buffer the canonical encoding is written to first: one digest update per
     * message costs half as much as one per field.
     */
    private static final class Hasher {
        private static final int KEPT_CAPACITY = 64 * 1024;
        /** Larger payloads go to the digest straight from the message instead of through the buffer. */
        private static final int COPIED_PAYLOAD = 8 * 1024;

        private final MessageDigest digest;
        private final byte[] sha = new byte[32];
        private final CanonicalOutput canonical = new CanonicalOutput();
        private final JsonStreamCanonicalizer json = new JsonStreamCanonicalizer(canonical);
        private final MessagePackStreamCanonicalizer msgpack = new MessagePackStreamCanonicalizer(canonical);
        /** The payload being canonicalized, copied out of the message. */
        private byte[] scratch = new byte[512];
        private byte[] buffer = new byte[512];
        private int position;
        /** Whether the digest was given bytes since it was last reset. */
        private boolean updated;

        Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing, yet every Java platform must provide it", e);
            }
        }

        void reset() {
            if (buffer.length > KEPT_CAPACITY) {
                buffer = new byte[512]; // one message with huge headers must not pin its buffer to the thread
            }
            if (scratch.length > KEPT_CAPACITY) {
                scratch = new byte[512];
            }
            position = 0;
            if (updated) { // a digest that failed half-way; digest() resets it otherwise
                digest.reset();
                updated = false;
            }
        }

        private void ensure(int more) {
            if (buffer.length - position < more) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
            }
        }

        void u8(int v) {
            ensure(1);
            buffer[position++] = (byte) v;
        }

        void int32(int v) {
            ensure(4);
            buffer[position++] = (byte) (v >>> 24);
            buffer[position++] = (byte) (v >>> 16);
            buffer[position++] = (byte) (v >>> 8);
            buffer[position++] = (byte) v;
        }

        void int64(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buffer[position + i] = (byte) v;
                v >>>= 8;
            }
            position += 8;
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buffer, position, b.length);
            position += b.length;
        }

        /**
         * Writes the payload's tag, length and canonical JSON when a streaming canonicalizer can produce it in one
         * pass over the bytes (the codecs write payloads so); {@code false}, having written nothing, otherwise.
         */
        boolean canonicalizeInOnePass(Message message, PayloadFormat format) {
            if (format == PayloadFormat.OTHER) {
                return false;
            }
            int n = message.payloadSize();
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            message.payloadBuffer().get(scratch, 0, n);
            boolean written = format == PayloadFormat.JSON ? json.write(scratch, n) : msgpack.write(scratch, n);
            if (!written) {
                return false;
            }
            u8(TAG_STRUCTURED);
            int32(canonical.length());
            ensure(canonical.length());
            System.arraycopy(canonical.buffer(), 0, buffer, position, canonical.length());
            position += canonical.length();
            canonical.reset();
            return true;
        }

        void payload(Message message) {
            int n = message.payloadSize();
            if (n > COPIED_PAYLOAD) {
                updated = true;
                digest.update(buffer, 0, position);
                position = 0;
                digest.update(message.payloadBuffer());
                return;
            }
            ensure(n);
            message.payloadBuffer().get(buffer, position, n);
            position += n;
        }

        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the plain copy ASCII needs
        void string(String s) {
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (!ascii) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                int32(utf8.length);
                bytes(utf8);
                return;
            }
            int32(n);
            ensure(n);
            s.getBytes(0, n, buffer, position); // ASCII: one byte per char, copied without an encoder
            position += n;
        }

        void optional(Optional<String> s) {
            if (s.isPresent()) {
                string(s.get());
            } else {
                int32(-1);
            }
        }

        void headers(Map<String, String> headers) {
            int32(headers.size());
            if (headers.size() == 1) {
                Map.Entry<String, String> e = headers.entrySet().iterator().next();
                string(e.getKey());
                string(e.getValue());
            } else if (headers.size() > 1) {
                List<Map.Entry<String, String>> sorted = new ArrayList<>(headers.entrySet());
                sorted.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
                for (Map.Entry<String, String> e : sorted) {
                    string(e.getKey());
                    string(e.getValue());
                }
            }
        }

        /** The SHA-256 of what was written, in a buffer of this hasher's. */
        byte[] digest() {
            updated = true;
            digest.update(buffer, 0, position);
            try {
                digest.digest(sha, 0, sha.length); // and resets the digest
            } catch (DigestException e) {
                throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
            }
            updated = false;
            return sha;
        }
    }
}

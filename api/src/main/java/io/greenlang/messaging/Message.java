package io.greenlang.messaging;

import static io.greenlang.messaging.MessageFieldChecks.requirePositiveTtl;
import static io.greenlang.messaging.MessageFieldChecks.requirePriority;
import static io.greenlang.messaging.MessageFieldChecks.requireText;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * An immutable message: what a publisher sends and a handler receives, identical on every backend.
 *
 * <p>Backend positions (stream entry ids, partition offsets) are not part of a message; they travel beside
 * it in {@link Delivery#position()}.
 *
 * <p>Times are kept to the microsecond, so that a message survives every wire format unchanged and its
 * {@linkplain #provenanceHash() provenance hash} stays valid.
 *
 * <p>Instances are thread-safe. Build one with {@link #builder(String)}:
 * <pre>{@code
 * Message m = Message.builder("esg.tasks")
 *         .payload("{\"site\":42}".getBytes(UTF_8))
 *         .contentType("application/json")
 *         .header("tenant", "acme")
 *         .priority(7)
 *         .ttl(Duration.ofMinutes(5))
 *         .build();
 * }</pre>
 */
public final class Message {
    /** Content type of a message whose payload is raw bytes. */
    public static final String OCTET_STREAM = "application/octet-stream";
    /** The lowest priority. */
    public static final int MIN_PRIORITY = 0;
    /** The highest priority. */
    public static final int MAX_PRIORITY = 9;
    /** The priority of a message that does not set one. */
    public static final int DEFAULT_PRIORITY = 4;

    private static final byte[] EMPTY = new byte[0];

    private final String id;
    private final String topic;
    private final byte[] payload;
    private final String contentType;
    private final Map<String, String> headers;
    private final int priority;
    private final Instant createdAt;
    private final Instant expiresAt;
    private final String correlationId;
    private final String replyTo;
    private final String key;
    /** The declared provenance hash as its 32 bytes; null when there is none or it is deferred. */
    private final byte[] hashBytes;
    /** Its hex digits: given, or made on first use from hashBytes or by deferredHash (racing threads agree). */
    private volatile String hashHex;
    private final Function<? super Message, String> deferredHash;

    private Message(Builder b) {
        long nowMicros = b.createdAt == null || b.id == null ? WallClock.epochNanos() / 1_000 : 0; // one reading, both
        this.id = b.id != null ? b.id : MessageIds.next(nowMicros / 1_000);
        this.topic = b.topic;
        this.payload = b.payload;
        this.contentType = b.contentType;
        this.headers = b.headers.isEmpty() ? Map.of() : Map.copyOf(b.headers);
        this.priority = b.priority;
        this.createdAt = b.createdAt != null ? toMicros(b.createdAt) : WallClock.ofEpochMicros(nowMicros);
        Instant expiry = b.expiresAt;
        if (b.ttl != null) {
            expiry = this.createdAt.plus(b.ttl);
        }
        this.expiresAt = expiry == null ? null : toMicros(expiry);
        this.correlationId = b.correlationId;
        this.replyTo = b.replyTo;
        this.key = b.key;
        this.hashBytes = b.provenanceHash;
        this.hashHex = null;
        this.deferredHash = null;
    }

    /** {@code t} to whole microseconds; as it is when it came from an envelope, without making a new instant. */
    private static Instant toMicros(Instant t) {
        return t.getNano() % 1_000 == 0 ? t : t.truncatedTo(ChronoUnit.MICROS);
    }

    private Message(Message source, byte[] hashBytes, String hashHex, Function<? super Message, String> deferredHash) {
        this.id = source.id;
        this.topic = source.topic;
        this.payload = source.payload;
        this.contentType = source.contentType;
        this.headers = source.headers;
        this.priority = source.priority;
        this.createdAt = source.createdAt;
        this.expiresAt = source.expiresAt;
        this.correlationId = source.correlationId;
        this.replyTo = source.replyTo;
        this.key = source.key;
        this.hashBytes = hashBytes;
        this.hashHex = hashHex;
        this.deferredHash = deferredHash;
    }

    /** A builder for a message to {@code topic}. */
    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    /**
     * A builder that starts from this message's fields, id and creation time included, but not its
     * provenance hash: a changed message is a new message.
     */
    public Builder mutate() {
        Builder b = new Builder(topic);
        b.id = id;
        b.payload = payload;
        b.contentType = contentType;
        b.headers = headers; // immutable: copied on the first change
        b.priority = priority;
        b.createdAt = createdAt;
        b.expiresAt = expiresAt;
        b.correlationId = correlationId;
        b.replyTo = replyTo;
        b.key = key;
        return b;
    }

    /** The client-made id, a time-ordered UUIDv7 string unless the builder was given another. */
    public String id() {
        return id;
    }

    public String topic() {
        return topic;
    }

    /** A copy of the payload bytes. */
    public byte[] payload() {
        return payload.clone();
    }

    /** A read-only view of the payload, without copying. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** The payload decoded as UTF-8. */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The payload's length in bytes. */
    public int payloadSize() {
        return payload.length;
    }

    public String contentType() {
        return contentType;
    }

    /** Application headers; an unmodifiable map. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The header's value, if present. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** From {@value #MIN_PRIORITY} (lowest) to {@value #MAX_PRIORITY} (highest). */
    public int priority() {
        return priority;
    }

    /** When the message was built, to the microsecond. */
    public Instant createdAt() {
        return createdAt;
    }

    /** When the message expires; an expired message is never handed to a handler. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** Whether the message has an expiry at or before {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** The topic a reply should go to, for request-reply. */
    public Optional<String> replyTo() {
        return Optional.ofNullable(replyTo);
    }

    /** The partition key: messages with one key keep their order when a subscription asks for it. */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /**
     * The SHA-256 provenance hash the producer declared: 64 lowercase hex digits over a canonical encoding
     * of the immutable fields. Brokers stamp it on publish when the message has none; check it with
     * {@link Broker#verifyProvenance(Message)}.
     */
    public Optional<String> provenanceHash() {
        String hex = hashHex;
        if (hex == null) {
            if (hashBytes != null) {
                hex = Hex.encode(hashBytes);
            } else if (deferredHash != null) {
                hex = Hex.requireHash(deferredHash.apply(this));
            } else {
                return Optional.empty();
            }
            hashHex = hex;
        }
        return Optional.of(hex);
    }

    /**
     * The {@linkplain #provenanceHash() provenance hash} as its 32 bytes (a copy): what wire formats carry,
     * without a round trip through hex digits.
     */
    public Optional<byte[]> provenanceHashBytes() {
        if (hashBytes != null) {
            return Optional.of(hashBytes.clone());
        }
        return provenanceHash().map(Hex::decode);
    }

    /**
     * This message declaring {@code hash} as its provenance hash; every other field is unchanged.
     *
     * @throws IllegalArgumentException if {@code hash} is not 64 lowercase hex digits
     */
    public Message withProvenanceHash(String hash) {
        return new Message(this, Hex.decode(Hex.requireHash(hash)), hash, null);
    }

    /**
     * This message declaring the hash whose 32 bytes are {@code sha256} (copied) as its provenance hash; every
     * other field is unchanged.
     *
     * @throws IllegalArgumentException if {@code sha256} is not 32 bytes long
     */
    public Message withProvenanceHashBytes(byte[] sha256) {
        return new Message(this, Hex.requireHashBytes(sha256).clone(), null, null);
    }

    /**
     * This message with a provenance hash that {@code hasher} computes from its fields the first time anyone
     * asks for it, for brokers whose messages never leave the process: nobody pays for a hash nobody reads.
     * The hasher must be the broker's canonical hash function, which makes such a message verify by
     * construction. A message that already declares a hash is returned unchanged.
     */
    public Message withDeferredProvenanceHash(Function<? super Message, String> hasher) {
        Objects.requireNonNull(hasher, "hasher");
        return hashBytes != null || hashHex != null || deferredHash != null ? this
                : new Message(this, null, null, hasher);
    }

    /**
     * Payload size plus the length of every string field in characters: a quick estimate. It is not what the size
     * limit counts (that is the UTF-8 bytes of the stored form, see {@link MessageTooLargeException}), and is below
     * it for text outside ASCII.
     */
    public long approximateSize() {
        return ApproximateSize.of(this);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Message)) {
            return false;
        }
        Message m = (Message) o;
        return priority == m.priority && id.equals(m.id) && topic.equals(m.topic)
                && Arrays.equals(payload, m.payload) && contentType.equals(m.contentType)
                && headers.equals(m.headers) && createdAt.equals(m.createdAt)
                && Objects.equals(expiresAt, m.expiresAt) && Objects.equals(correlationId, m.correlationId)
                && Objects.equals(replyTo, m.replyTo) && Objects.equals(key, m.key)
                && provenanceHash().equals(m.provenanceHash());
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** Identifies the message without its payload or header values, which may be confidential. */
    @Override
    public String toString() {
        return "Message{id=" + id + ", topic=" + topic + ", contentType=" + contentType + ", size="
                + payload.length + ", priority=" + priority + ", headers=" + headers.keySet()
                + (key != null ? ", key=" + key : "") + (expiresAt != null ? ", expiresAt=" + expiresAt : "")
                + "}";
    }

    /** Builds a {@link Message}; not thread-safe. Validates every field as it is set. */
    public static final class Builder {
        private final String topic;
        private String id;
        private byte[] payload = EMPTY;
        private String contentType = OCTET_STREAM;
        private Map<String, String> headers = Map.of();
        private int priority = DEFAULT_PRIORITY;
        private Instant createdAt;
        private Instant expiresAt;
        private Duration ttl;
        private String correlationId;
        private String replyTo;
        private String key;
        private byte[] provenanceHash;

        private Builder(String topic) {
            this.topic = Names.requireValidTopic(topic);
        }

        /** Replaces the generated id, for example to keep an id across a bridge. Must not be blank. */
        public Builder id(String id) {
            this.id = requireText(id, "id");
            return this;
        }

        /** The payload; the array is copied. */
        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload").clone();
            return this;
        }

        /**
         * The payload: a copy of {@code length} bytes of {@code bytes} from {@code offset}, for example the
         * payload inside a larger buffer read from the wire.
         *
         * @throws IndexOutOfBoundsException if the range does not lie within {@code bytes}
         */
        public Builder payload(byte[] bytes, int offset, int length) {
            Objects.requireNonNull(bytes, "bytes");
            Objects.checkFromIndexSize(offset, length, bytes.length);
            this.payload = Arrays.copyOfRange(bytes, offset, offset + length);
            return this;
        }

        /** The payload as UTF-8, with content type {@code text/plain; charset=utf-8}. */
        public Builder text(String text) {
            this.payload = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
            this.contentType = "text/plain; charset=utf-8";
            return this;
        }

        /** The value encoded with {@code codec}, which also sets the content type. */
        public Builder body(Object value, Codec codec) {
            Objects.requireNonNull(codec, "codec");
            this.payload = codec.encode(value);
            this.contentType = codec.contentType();
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = requireText(contentType, "contentType");
            return this;
        }

        /** Adds or replaces a header. Names must not be blank; values must not be null. */
        public Builder header(String name, String value) {
            String checkedName = requireText(name, "header name");
            Objects.requireNonNull(value, "header value");
            if (!(headers instanceof HashMap)) {
                headers = new HashMap<>(headers);
            }
            headers.put(checkedName, value);
            return this;
        }

        /** Adds or replaces every header in {@code headers}. */
        public Builder headers(Map<String, String> headers) {
            Objects.requireNonNull(headers, "headers").forEach(this::header);
            return this;
        }

        /**
         * @throws IllegalArgumentException if {@code priority} is outside {@value #MIN_PRIORITY} to
         *     {@value #MAX_PRIORITY}
         */
        public Builder priority(int priority) {
            this.priority = requirePriority(priority);
            return this;
        }

        /** The creation time; defaults to the moment {@link #build()} is called. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
            return this;
        }

        /** Time to live, counted from the creation time. Must be positive. Replaces {@link #expiresAt}. */
        public Builder ttl(Duration ttl) {
            this.ttl = requirePositiveTtl(ttl);
            this.expiresAt = null;
            return this;
        }

        /** An absolute expiry. Replaces {@link #ttl}. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
            this.ttl = null;
            return this;
        }

        public Builder correlationId(String correlationId) {
            this.correlationId = requireText(correlationId, "correlationId");
            return this;
        }

        /** The topic replies should go to; must be a valid topic name. */
        public Builder replyTo(String replyTo) {
            this.replyTo = Names.requireValidTopic(replyTo);
            return this;
        }

        /** The partition key, which orders messages when a subscription asks for ordering. */
        public Builder key(String key) {
            this.key = requireText(key, "key");
            return this;
        }

        /**
         * The hash the producer declared, for messages rebuilt from the wire or relayed unchanged. When not
         * set, the broker computes it on publish.
         */
        public Builder provenanceHash(String hash) {
            this.provenanceHash = Hex.decode(Hex.requireHash(hash));
            return this;
        }

        /**
         * The hash the producer declared, as its 32 bytes (copied), for wire formats that carry it so.
         *
         * @throws IllegalArgumentException if {@code sha256} is not 32 bytes long
         */
        public Builder provenanceHashBytes(byte[] sha256) {
            this.provenanceHash = Hex.requireHashBytes(sha256).clone();
            return this;
        }

        /**
         * As {@link #provenanceHashBytes(byte[])}, from the 32 bytes of {@code source} at {@code offset} (copied),
         * for a decoder reading them out of a larger buffer.
         *
         * @throws IndexOutOfBoundsException if fewer than 32 bytes of {@code source} start at {@code offset}
         */
        public Builder provenanceHashBytes(byte[] source, int offset) {
            Objects.checkFromIndexSize(offset, Hex.HASH_BYTES, source.length);
            this.provenanceHash = Arrays.copyOfRange(source, offset, offset + Hex.HASH_BYTES);
            return this;
        }

        public Message build() {
            return new Message(this);
        }
    }
}

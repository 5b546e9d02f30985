package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;

/** Helpers the patterns share: bodies, ids, argument checks. Stateless. */
final class Payloads {
    private Payloads() {
    }

    /**
     * Sets {@code body} on {@code builder}: a {@link Message}'s payload, content type and headers are copied;
     * {@code null} leaves the payload empty; anything else is encoded with {@code codec}.
     */
    static Message.Builder withBody(Message.Builder builder, Object body, Codec codec) {
        if (body == null) {
            return builder;
        }
        if (body instanceof Message) {
            Message m = (Message) body;
            return builder.payload(m.payload()).contentType(m.contentType()).headers(m.headers());
        }
        return builder.body(body, codec);
    }

    /**
     * Decodes a message's payload: as the message itself for {@code Message.class}; with {@code codec} when
     * the content type is the codec's; as raw bytes for {@code byte[].class}; as text for {@code String.class}
     * and a {@code text/*} content type.
     *
     * @throws PayloadDecodingException if none of these applies or the codec fails
     */
    static <T> T decode(Message message, Class<T> type, Codec codec) {
        Objects.requireNonNull(type, "type");
        if (type == Message.class) {
            return type.cast(message);
        }
        if (sameMediaType(message.contentType(), codec.contentType())) {
            return codec.decode(message.payload(), type);
        }
        if (type == byte[].class) {
            return type.cast(message.payload());
        }
        if (type == String.class && message.contentType().toLowerCase(Locale.ROOT).startsWith("text/")) {
            return type.cast(message.payloadAsString());
        }
        throw new PayloadDecodingException("Cannot decode a payload of content type " + message.contentType()
                + " as " + type.getTypeName() + ": the broker's codec is " + codec.name() + " ("
                + codec.contentType() + "). Decode it as byte[] or Message, or connect with the codec that wrote it.");
    }

    private static boolean sameMediaType(String a, String b) {
        return mediaType(a).equals(mediaType(b));
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    static Duration notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + d);
        }
        return d;
    }

    static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    /** A short random base-36 id, for client and coordinator names. */
    static String randomId() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** The failure inside a {@link CompletionException} or {@link ExecutionException}. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The failure as a runtime exception: itself, or wrapped in a {@link MessagingException}. */
    static RuntimeException asRuntime(Throwable t) {
        Throwable cause = unwrap(t);
        return cause instanceof RuntimeException ? (RuntimeException) cause
                : new MessagingException(cause.toString(), cause);
    }

    /** {@code Class.getName()} and the message, for failure reports. */
    static String describe(Throwable t) {
        Throwable cause = unwrap(t);
        return cause.getClass().getName() + ": " + (cause.getMessage() == null ? "(no message)" : cause.getMessage());
    }
}

package io.greenlang.messaging.spi.codec;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable registry of codecs, looked up by name (configuration) or by content type (a received message).
 *
 * <p>Content types are matched on their media type, before any {@code ;} parameters, case-insensitively.
 * Besides each codec's own content type, {@code application/x-msgpack} and {@code application/vnd.msgpack}
 * name the codec called {@code msgpack}, and {@code text/json} and every {@code application/*+json} name the
 * codec called {@code json}, when the registry holds them.
 *
 * <p>Thread-safe.
 */
public final class Codecs {
    /** Content type of plain text payloads, which {@link #decode} returns as a {@code String}. */
    public static final String TEXT_PLAIN = "text/plain";

    private static final Codecs STANDARD = new Codecs(List.of(new JsonCodec(), new MessagePackCodec()));

    private final Map<String, Codec> byName;
    private final Map<String, Codec> byMediaType;

    private Codecs(List<Codec> codecs) {
        Map<String, Codec> names = new LinkedHashMap<>();
        Map<String, Codec> types = new LinkedHashMap<>();
        for (Codec codec : codecs) {
            Objects.requireNonNull(codec, "codec");
            String name = codec.name().toLowerCase(Locale.ROOT);
            String type = mediaType(codec.contentType());
            if (names.containsKey(name)) {
                throw new IllegalArgumentException("Two codecs are named '" + name + "': " + names.get(name)
                        + " and " + codec + ". Give each codec a distinct name.");
            }
            if (types.containsKey(type)) {
                throw new IllegalArgumentException("Two codecs write content type '" + type + "': "
                        + types.get(type) + " and " + codec + ". Give each codec a distinct content type.");
            }
            names.put(name, codec);
            types.put(type, codec);
        }
        this.byName = Collections.unmodifiableMap(names);
        this.byMediaType = Collections.unmodifiableMap(types);
    }

    /** The standard registry: {@link JsonCodec} and {@link MessagePackCodec}. One shared instance. */
    public static Codecs standard() {
        return STANDARD;
    }

    /**
     * A registry of exactly {@code codecs}.
     *
     * @throws IllegalArgumentException if two codecs share a name (case-insensitively) or a content type
     */
    public static Codecs of(Codec... codecs) {
        return new Codecs(List.of(codecs));
    }

    /**
     * This registry plus {@code codec}, which replaces any codec of the same name.
     *
     * @throws IllegalArgumentException if another codec already writes {@code codec}'s content type
     */
    public Codecs with(Codec codec) {
        Objects.requireNonNull(codec, "codec");
        Map<String, Codec> copy = new LinkedHashMap<>(byName);
        copy.put(codec.name().toLowerCase(Locale.ROOT), codec);
        return new Codecs(List.copyOf(copy.values()));
    }

    /** The codec names, lower case, in registration order. */
    public Set<String> names() {
        return byName.keySet();
    }

    /**
     * The codec called {@code name}, compared case-insensitively.
     *
     * @throws ConfigurationException if there is none; the message lists the known names
     */
    public Codec forName(String name) {
        Objects.requireNonNull(name, "name");
        Codec codec = byName.get(name.trim().toLowerCase(Locale.ROOT));
        if (codec == null) {
            throw new ConfigurationException("Unknown codec '" + name + "'. Known codecs: "
                    + String.join(", ", byName.keySet()) + ". Set the option '" + BrokerConfig.CODEC
                    + "' to one of them.");
        }
        return codec;
    }

    /** The codec for a content type such as {@code application/json; charset=utf-8}, if any. */
    public Optional<Codec> forContentType(String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        String type = mediaType(contentType);
        Codec codec = byMediaType.get(type);
        if (codec == null) {
            if (type.equals("application/x-msgpack") || type.equals("application/vnd.msgpack")) {
                codec = byName.get(MessagePackCodec.NAME);
            } else if (type.equals("text/json") || (type.startsWith("application/") && type.endsWith("+json"))) {
                codec = byName.get(JsonCodec.NAME);
            }
        }
        return Optional.ofNullable(codec);
    }

    /**
     * Decodes a message's payload according to its content type: with the matching codec; as the raw bytes for
     * {@code application/octet-stream} when {@code type} is {@code byte[]}; as the text for {@code text/plain}
     * when {@code type} is {@code String} (in the {@code charset} parameter's charset, UTF-8 by default;
     * malformed bytes become U+FFFD) or as its raw bytes when {@code type} is {@code byte[]}.
     *
     * @return the decoded value; {@code null} only if a codec decodes the payload as null (JSON {@code null},
     *     MessagePack nil)
     * @throws PayloadDecodingException if no codec handles the content type, if raw or text payloads are asked
     *     for as another type, or if the codec fails; the message names the message, its content type and what
     *     to do
     */
    public <T> T decode(Message message, Class<T> type) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(type, "type");
        String contentType = message.contentType();
        String media = mediaType(contentType);
        if (media.equals(Message.OCTET_STREAM)) {
            if (type == byte[].class) {
                return type.cast(message.payload());
            }
            throw new PayloadDecodingException(describe(message) + " has content type " + contentType
                    + ": its payload is raw bytes and can only be read as byte[], not as " + type.getTypeName()
                    + ". Read it with Message.payload(), or have the producer publish it with a codec such as "
                    + "json or msgpack.");
        }
        if (media.equals(TEXT_PLAIN)) {
            if (type == String.class) {
                return type.cast(new String(message.payload(), charset(message)));
            }
            if (type == byte[].class) {
                return type.cast(message.payload());
            }
            throw new PayloadDecodingException(describe(message) + " has content type " + contentType
                    + ": its payload is text and can only be read as String or byte[], not as "
                    + type.getTypeName() + ". Have the producer publish it with a codec such as json or msgpack.");
        }
        Optional<Codec> codec = forContentType(contentType);
        if (codec.isEmpty()) {
            throw new PayloadDecodingException(describe(message) + " has content type '" + contentType
                    + "', which no codec handles (known: " + knownContentTypes() + "). Register a codec for it "
                    + "with Codecs.with(...), or read the raw bytes with Message.payload().");
        }
        try {
            return codec.get().decode(message.payload(), type);
        } catch (PayloadDecodingException e) {
            throw new PayloadDecodingException(describe(message) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Codecs" + byName.keySet();
    }

    /** The media type of a content type: before any {@code ;}, trimmed, lower case. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    private String knownContentTypes() {
        StringBuilder sb = new StringBuilder();
        byMediaType.forEach((type, codec) -> sb.append(type).append(" (").append(codec.name()).append("), "));
        return sb.append(Message.OCTET_STREAM).append(" as byte[], ").append(TEXT_PLAIN).append(" as String")
                .toString();
    }

    private static String describe(Message message) {
        return "Message " + message.id() + " on topic " + message.topic();
    }

    private static Charset charset(Message message) {
        String contentType = message.contentType();
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String name = parameter.substring(eq + 1).trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new PayloadDecodingException(describe(message) + " has content type " + contentType
                            + " whose charset '" + name + "' this JVM does not support. Publish text as UTF-8.", e);
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}

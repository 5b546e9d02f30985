package io.greenlang.messaging.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.Message;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON the CLI reads and prints: one object per line for messages and dead letters. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /**
     * A message as a JSON object: id, topic, key, priority, headers, contentType, payload (UTF-8 text when the
     * content type is text or JSON and the bytes are valid UTF-8, else base64, as payloadEncoding says),
     * createdAt, and expiresAt, correlationId, replyTo, provenanceHash when present.
     */
    static ObjectNode message(Message m) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", m.id());
        n.put("topic", m.topic());
        n.put("key", m.key().orElse(null));
        n.put("priority", m.priority());
        ObjectNode headers = n.putObject("headers");
        new TreeMap<>(m.headers()).forEach(headers::put);
        n.put("contentType", m.contentType());
        String text = isTextual(m.contentType()) ? utf8(m.payloadBuffer()) : null;
        if (text != null) {
            n.put("payload", text);
            n.put("payloadEncoding", "utf-8");
        } else {
            n.put("payload", Base64.getEncoder().encodeToString(m.payload()));
            n.put("payloadEncoding", "base64");
        }
        n.put("createdAt", m.createdAt().toString());
        m.expiresAt().ifPresent(e -> n.put("expiresAt", e.toString()));
        m.correlationId().ifPresent(c -> n.put("correlationId", c));
        m.replyTo().ifPresent(r -> n.put("replyTo", r));
        m.provenanceHash().ifPresent(h -> n.put("provenanceHash", h));
        return n;
    }

    /** A dead letter: id, reason, attempts, group, failure times, exception, and the message. */
    static ObjectNode deadLetter(DeadLetter d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", d.id());
        n.put("reason", d.reason().name());
        n.put("attempts", d.attempts());
        n.put("group", d.group());
        n.put("firstFailure", d.firstFailure().toString());
        n.put("lastFailure", d.lastFailure().toString());
        n.put("exceptionClass", d.exceptionClass().orElse(null));
        n.put("exceptionMessage", d.exceptionMessage());
        n.set("message", message(d.message()));
        return n;
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The JSON value {@code text} holds, as maps, lists and scalars; {@code null} if it is not JSON. */
    static Object parseOrNull(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        try {
            return MAPPER.readValue(t, Object.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** An object of the given fields, in order. */
    static String object(Map<String, ?> fields) {
        return write(MAPPER.valueToTree(fields));
    }

    private static boolean isTextual(String contentType) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("json") || ct.contains("xml") || ct.contains("yaml");
    }

    /** The bytes as UTF-8 text, or {@code null} if they are not valid UTF-8. */
    private static String utf8(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

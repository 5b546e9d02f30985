package io.greenlang.messaging.spi.provenance;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.messaging.spi.codec.ShortestDecimal;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Parses JSON and MessagePack payloads strictly and writes them as canonical JSON (see {@link Provenance}).
 * Returns {@code null} for anything it cannot canonicalize, so that the caller hashes the raw bytes.
 */
final class CanonicalPayload {
    /** Deepest nesting canonicalized; deeper documents are hashed raw. */
    static final int MAX_DEPTH = 500;
    /** Longest canonical number; longer ones (such as {@code 1e999999}) make the document hashed raw. */
    static final int MAX_NUMBER_LENGTH = 400;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final MessagePack.UnpackerConfig STRICT_MSGPACK = new MessagePack.UnpackerConfig()
            .withActionOnMalformedString(CodingErrorAction.REPORT)
            .withActionOnUnmappableString(CodingErrorAction.REPORT);

    private CanonicalPayload() {
    }

    /** Thrown, without a stack trace, when a document has no canonical form. */
    static final class NotCanonical extends Exception {
        private static final long serialVersionUID = 1L;
        private static final NotCanonical INSTANCE = new NotCanonical();

        private NotCanonical() {
            super("not canonicalizable", null, false, false);
        }
    }

    /** The canonical JSON of a JSON payload, or {@code null}. */
    static byte[] fromJson(byte[] payload) {
        try {
            JsonNode tree = JSON.readTree(payload);
            if (tree == null || tree.isMissingNode()) {
                return null;
            }
            return write(tree);
        } catch (IOException | RuntimeException | NotCanonical e) {
            return null;
        }
    }

    /** The canonical JSON of a MessagePack payload, or {@code null}. */
    static byte[] fromMessagePack(byte[] payload) {
        if (payload.length == 0) {
            return null;
        }
        try (MessageUnpacker unpacker = STRICT_MSGPACK.newUnpacker(payload)) {
            JsonNode tree = readMessagePack(unpacker, payload.length, 0);
            if (unpacker.getTotalReadBytes() != payload.length) {
                return null; // trailing bytes
            }
            return write(tree);
        } catch (IOException | RuntimeException | NotCanonical e) {
            return null;
        }
    }

    private static JsonNode readMessagePack(MessageUnpacker in, int size, int depth)
            throws IOException, NotCanonical {
        if (depth > MAX_DEPTH) {
            throw NotCanonical.INSTANCE;
        }
        MessageFormat format = in.getNextFormat();
        switch (format.getValueType()) {
            case NIL:
                in.unpackNil();
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode(in.unpackBoolean());
            case INTEGER:
                if (format == MessageFormat.UINT64) {
                    return NODES.numberNode(in.unpackBigInteger());
                }
                return NODES.numberNode(in.unpackLong());
            case FLOAT:
                if (format == MessageFormat.FLOAT32) {
                    return NODES.numberNode(in.unpackFloat());
                }
                return NODES.numberNode(in.unpackDouble());
            case STRING: {
                int length = in.unpackRawStringHeader();
                requireAvailable(in, size, length);
                return NODES.textNode(strictUtf8(in.readPayload(length)));
            }
            case BINARY: {
                int length = in.unpackBinaryHeader();
                requireAvailable(in, size, length);
                return NODES.binaryNode(in.readPayload(length));
            }
            case ARRAY: {
                int count = in.unpackArrayHeader();
                requireAvailable(in, size, count);
                ArrayNode array = NODES.arrayNode();
                for (int i = 0; i < count; i++) {
                    array.add(readMessagePack(in, size, depth + 1));
                }
                return array;
            }
            case MAP: {
                int count = in.unpackMapHeader();
                requireAvailable(in, size, count);
                ObjectNode object = NODES.objectNode();
                for (int i = 0; i < count; i++) {
                    if (in.getNextFormat().getValueType() != ValueType.STRING) {
                        throw NotCanonical.INSTANCE; // JSON has string keys only
                    }
                    int length = in.unpackRawStringHeader();
                    requireAvailable(in, size, length);
                    String key = strictUtf8(in.readPayload(length));
                    if (object.replace(key, readMessagePack(in, size, depth + 1)) != null) {
                        throw NotCanonical.INSTANCE; // duplicate key
                    }
                }
                return object;
            }
            default:
                throw NotCanonical.INSTANCE; // extension types have no JSON form
        }
    }

    /** Guards allocations against headers that claim more than the payload holds. */
    private static void requireAvailable(MessageUnpacker in, int size, int count) throws NotCanonical {
        if (count < 0 || count > size - in.getTotalReadBytes()) {
            throw NotCanonical.INSTANCE;
        }
    }

    private static String strictUtf8(byte[] bytes) throws NotCanonical {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw NotCanonical.INSTANCE;
        }
    }

    private static byte[] write(JsonNode tree) throws NotCanonical {
        StringBuilder out = new StringBuilder(64);
        write(tree, out, 0);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out, int depth) throws NotCanonical {
        if (depth > MAX_DEPTH) {
            throw NotCanonical.INSTANCE;
        }
        switch (node.getNodeType()) {
            case OBJECT: {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.size());
                fields.addAll(node.properties());
                fields.sort((a, b) -> Provenance.compareCodePoints(a.getKey(), b.getKey()));
                out.append('{');
                for (int i = 0; i < fields.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeString(fields.get(i).getKey(), out);
                    out.append(':');
                    write(fields.get(i).getValue(), out, depth + 1);
                }
                out.append('}');
                return;
            }
            case ARRAY: {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out, depth + 1);
                }
                out.append(']');
                return;
            }
            case STRING:
                writeString(node.textValue(), out);
                return;
            case BINARY:
                try {
                    out.append('"').append(Base64.getEncoder().encodeToString(node.binaryValue())).append('"');
                } catch (IOException e) {
                    throw NotCanonical.INSTANCE;
                }
                return;
            case BOOLEAN:
                out.append(node.booleanValue() ? "true" : "false");
                return;
            case NULL:
                out.append("null");
                return;
            case NUMBER:
                out.append(number(node));
                return;
            default:
                throw NotCanonical.INSTANCE; // POJO and missing nodes
        }
    }

    /** The canonical number: see {@link Provenance}. */
    static String number(JsonNode node) throws NotCanonical {
        BigDecimal value;
        switch (node.numberType()) {
            case INT:
            case LONG:
            case BIG_INTEGER:
                return node.bigIntegerValue().toString();
            case FLOAT:
                value = shortestFloat(node.floatValue());
                break;
            case DOUBLE:
                value = shortestDouble(node.doubleValue());
                break;
            case BIG_DECIMAL:
            default:
                value = node.decimalValue();
                break;
        }
        return plain(value);
    }

    /** Plain decimal notation, no exponent, no trailing fractional zeros; zero is {@code 0}. */
    static String plain(BigDecimal value) throws NotCanonical {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        long digits = stripped.precision() + Math.abs((long) stripped.scale());
        if (digits > MAX_NUMBER_LENGTH) {
            throw NotCanonical.INSTANCE;
        }
        if (stripped.scale() <= 0) {
            return stripped.toBigIntegerExact().toString();
        }
        return stripped.toPlainString();
    }

    /** The {@link ShortestDecimal} of {@code d}. */
    static BigDecimal shortestDouble(double d) throws NotCanonical {
        if (!Double.isFinite(d)) {
            throw NotCanonical.INSTANCE;
        }
        return ShortestDecimal.of(d);
    }

    /** The {@link ShortestDecimal} of {@code f}. */
    static BigDecimal shortestFloat(float f) throws NotCanonical {
        if (!Float.isFinite(f)) {
            throw NotCanonical.INSTANCE;
        }
        return ShortestDecimal.of(f);
    }

    private static void writeString(String s, StringBuilder out) throws NotCanonical {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 15, 16));
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                            throw NotCanonical.INSTANCE; // not Unicode text
                        }
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isLowSurrogate(c)) {
                        throw NotCanonical.INSTANCE;
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}

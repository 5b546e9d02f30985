package io.greenlang.messaging.spi.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.codec.MessagePackCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * The one-pass canonicalizers against the tree-based {@link CanonicalPayload}, on random documents: whenever a
 * one-pass canonicalizer succeeds, it must give the same bytes, so the hash stays the documented one.
 */
class StreamCanonicalizerPropertyTest {
    private static final Codecs CODECS = Codecs.standard();
    private static final JsonCodec JSON = new JsonCodec();
    private static final MessagePackCodec MSGPACK = new MessagePackCodec();
    private static final Instant CREATED = Instant.parse("2024-05-01T10:15:30.123456Z");
    private static final String ID = "018f2b6e-0000-7000-8000-000000000001";
    private static final String TOPIC = "esg.readings";
    private static final int RUNS = 3_000;

    private final CanonicalOutput out = new CanonicalOutput();
    private final JsonStreamCanonicalizer json = new JsonStreamCanonicalizer(out);
    private final MessagePackStreamCanonicalizer msgpack = new MessagePackStreamCanonicalizer(out);

    @Test
    void codecPayloadsHashAsTheTreeBasedCanonicalFormAndTheSameWhicheverCodecWroteThem() throws IOException {
        Random random = new Random(20_240_501L);
        int jsonInOnePass = 0;
        for (int run = 0; run < RUNS; run++) {
            Object document = randomDocument(random);
            byte[] viaJson = JSON.encode(document);
            byte[] viaMsgpack = MSGPACK.encode(document);
            String description = "run " + run + ": " + new String(viaJson, StandardCharsets.UTF_8);

            byte[] canonicalJson = CanonicalPayload.fromJson(viaJson);
            byte[] canonicalMsgpack = CanonicalPayload.fromMessagePack(viaMsgpack);
            assertThat(text(canonicalJson)).as(description).isNotNull().isEqualTo(text(canonicalMsgpack));
            // Keys needing escapes go the slow way; every other document must take the one-pass way.
            boolean inOnePass = !hasKeyNeedingEscapes(document);
            assertThat(json.write(viaJson, viaJson.length)).as(description).isEqualTo(inOnePass);
            if (inOnePass) {
                jsonInOnePass++;
                assertThat(written()).as(description).isEqualTo(text(canonicalJson));
            }
            assertThat(msgpack.write(viaMsgpack, viaMsgpack.length)).as(description).isEqualTo(inOnePass);
            if (inOnePass) {
                assertThat(written()).as(description).isEqualTo(text(canonicalMsgpack));
            }

            String hashViaJson = Provenance.hash(message(viaJson, JsonCodec.CONTENT_TYPE), CODECS);
            assertThat(hashViaJson).as(description).isEqualTo(referenceHash('S', canonicalJson));
            assertThat(Provenance.hash(message(viaMsgpack, MessagePackCodec.CONTENT_TYPE), CODECS))
                    .as(description).isEqualTo(hashViaJson);
        }
        assertThat(jsonInOnePass).isGreaterThan(RUNS / 2);
    }

    private static boolean hasKeyNeedingEscapes(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (((String) e.getKey()).chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\')
                        || hasKeyNeedingEscapes(e.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof List<?> list) {
            return list.stream().anyMatch(StreamCanonicalizerPropertyTest::hasKeyNeedingEscapes);
        }
        return false;
    }

    @Test
    void hashesForeignJsonAsTheDocumentedEncodingSays() throws IOException {
        Random random = new Random(7L);
        int inOnePass = 0;
        for (int run = 0; run < RUNS * 3; run++) {
            StringBuilder text = new StringBuilder();
            foreignJson(random, text, 0);
            byte[] payload = text.toString().getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(8) == 0) {
                payload = corrupt(random, payload);
            }
            inOnePass += checkJson(payload) ? 1 : 0;
        }
        assertThat(inOnePass).isGreaterThan(RUNS / 5); // the one-pass way is exercised, not only the fallback
    }

    @Test
    void hashesForeignMessagePackAsTheDocumentedEncodingSays() throws IOException {
        Random random = new Random(11L);
        for (int run = 0; run < RUNS; run++) {
            byte[] payload = MSGPACK.encode(randomDocument(random));
            if (random.nextBoolean()) {
                payload = corrupt(random, payload);
            }
            checkMessagePack(payload);
        }
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(2).packString("b").packInt(1).packString("a").packFloat(0.1f); // keys out of order
            checkMessagePack(p.toByteArray());
            p.clear();
            p.packArrayHeader(6).packFloat(0.1f).packFloat(Float.NaN).packBinaryHeader(3).writePayload(new byte[] {0, 1, 2})
                    .packExtensionTypeHeader((byte) 1, 1).writePayload(new byte[] {9}).packNil().packBigInteger(
                            BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
            checkMessagePack(p.toByteArray());
            p.clear();
            p.packMapHeader(2).packString("a").packInt(1).packString("a").packInt(2); // duplicate key
            checkMessagePack(p.toByteArray());
            p.clear();
            p.packMapHeader(1).packInt(1).packInt(2); // integer key
            checkMessagePack(p.toByteArray());
        }
    }

    @Test
    void rewritesNumbersAndEscapesCanonically() throws IOException {
        for (String text : List.of("-0", "-0.0", "0.000", "1.0", "1.50", "1e2", "1E+2", "-12.50e1", "0.00012e-3",
                "123.456e1", "123.456e-5", "10e-1", "5e-324", "\"\\u001F\\u00e9\\/\\u0041\"", "{\"a\":1, \"b\" : [ ] }",
                "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":1}", "01", "1.", ".5", "+1", "1e", "[1,]", "\"\\ud83c\\udf0d\"")) {
            checkJson(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Checks the one-pass result, if any, against the tree-based one, and the hash; whether it succeeded. */
    private boolean checkJson(byte[] payload) throws IOException {
        String description = new String(payload, StandardCharsets.UTF_8);
        byte[] canonical = CanonicalPayload.fromJson(payload);
        boolean inOnePass = json.write(payload, payload.length);
        if (inOnePass) {
            assertThat(canonical).as(description).isNotNull();
            assertThat(written()).as(description).isEqualTo(text(canonical));
        }
        assertThat(Provenance.hash(message(payload, JsonCodec.CONTENT_TYPE), CODECS)).as(description)
                .isEqualTo(canonical != null ? referenceHash('S', canonical) : referenceHash('R', payload));
        return inOnePass;
    }

    private void checkMessagePack(byte[] payload) throws IOException {
        String description = HexFormat.of().formatHex(payload);
        byte[] canonical = CanonicalPayload.fromMessagePack(payload);
        if (msgpack.write(payload, payload.length)) {
            assertThat(canonical).as(description).isNotNull();
            assertThat(written()).as(description).isEqualTo(text(canonical));
        }
        assertThat(Provenance.hash(message(payload, MessagePackCodec.CONTENT_TYPE), CODECS)).as(description)
                .isEqualTo(canonical != null ? referenceHash('S', canonical) : referenceHash('R', payload));
    }

    private String written() {
        return new String(out.buffer(), 0, out.length(), StandardCharsets.UTF_8);
    }

    private static String text(byte[] canonical) {
        return canonical == null ? null : new String(canonical, StandardCharsets.UTF_8);
    }

    private static Message message(byte[] payload, String contentType) {
        return Message.builder(TOPIC).id(ID).createdAt(CREATED).payload(payload).contentType(contentType).build();
    }

    /** The hash of {@link #message} as Provenance's javadoc spells it, with the given payload tag and bytes. */
    private static String referenceHash(char tag, byte[] payloadBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("GLM1".getBytes(StandardCharsets.US_ASCII));
        for (String s : List.of(ID, TOPIC)) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        }
        out.writeInt(0); // headers
        out.writeByte(Message.DEFAULT_PRIORITY);
        out.writeLong(1_714_558_530_123_456L);
        out.writeByte(0); // no expiry
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeByte(tag);
        out.writeInt(payloadBytes.length);
        out.write(payloadBytes);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A value the codecs accept as a payload: anything but null. */
    private static Object randomDocument(Random random) {
        Object value = randomValue(random, 0);
        return value != null ? value : List.of();
    }

    private static Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 7 : 9);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return random.nextBoolean();
            case 2:
                return randomLong(random);
            case 3:
                return randomDouble(random);
            case 4:
                return new BigInteger(64, random); // up to 2^64 - 1, the most MessagePack holds
            case 5:
            case 6:
                return randomString(random, 12);
            case 7: {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    list.add(randomValue(random, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(6); i > 0; i--) {
                    String key = random.nextInt(20) == 0 ? randomString(random, 4) : randomKey(random);
                    map.put(key, randomValue(random, depth + 1));
                }
                return map;
            }
        }
    }

    private static long randomLong(Random random) {
        switch (random.nextInt(4)) {
            case 0:
                return random.nextInt(256) - 128;
            case 1:
                return random.nextInt();
            case 2:
                return random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            default:
                return random.nextLong();
        }
    }

    private static double randomDouble(Random random) {
        switch (random.nextInt(7)) {
            case 0:
                return -0.0;
            case 1:
                return random.nextInt(2000) / 10.0 - 100;
            case 2:
                return random.nextDouble();
            case 3:
                return (double) random.nextInt();
            case 4:
                return Math.scalb(random.nextDouble(), random.nextInt(200) - 100);
            case 5:
                return random.nextBoolean() ? Double.MIN_VALUE : Double.MAX_VALUE;
            default: {
                double d = Double.longBitsToDouble(random.nextLong());
                return Double.isFinite(d) ? d : 1.5;
            }
        }
    }

    private static String randomKey(Random random) {
        String[] words = {"a", "b", "site", "count", "é", "ä", "z", "Z", "_", "a b", "\u4e16", "\uD83C\uDF0D", "10", "9"};
        return words[random.nextInt(words.length)] + (random.nextBoolean() ? "" : words[random.nextInt(words.length)]);
    }

    /** Text with ASCII, control characters, quotes, backslashes, Latin, CJK and supplementary characters. */
    private static String randomString(Random random, int maxLength) {
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            switch (random.nextInt(8)) {
                case 0 -> sb.append((char) random.nextInt(0x20));
                case 1 -> sb.append("\"\\/\u007f".charAt(random.nextInt(4)));
                case 2 -> sb.append((char) (0xa0 + random.nextInt(0x700)));
                case 3 -> sb.append((char) (0x4e00 + random.nextInt(0x5000)));
                case 4 -> sb.appendCodePoint(0x10000 + random.nextInt(0xfffff));
                case 5 -> sb.append('\u2028');
                default -> sb.append((char) (0x20 + random.nextInt(0x5f)));
            }
        }
        return sb.toString();
    }

    /** JSON as other producers write it: spaced, keys in any order, numbers and escapes in every form. */
    private static void foreignJson(Random random, StringBuilder sb, int depth) {
        space(random, sb);
        switch (random.nextInt(depth > 3 ? 5 : 7)) {
            case 0 -> sb.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
            case 1 -> sb.append(foreignNumber(random));
            case 2, 3 -> foreignString(random, sb);
            case 4 -> sb.append(new BigDecimal(new BigInteger(random.nextInt(100) + 1, random), random.nextInt(40) - 20));
            case 5 -> {
                sb.append('[');
                for (int i = random.nextInt(4); i >= 0; i--) {
                    foreignJson(random, sb, depth + 1);
                    if (i > 0) {
                        sb.append(',');
                    }
                }
                sb.append(']');
            }
            default -> {
                sb.append('{');
                List<String> keys = new ArrayList<>(List.of("a", "b", "c", "d", "é", "\\u0041", "\\n", "a\\\"")
                        .subList(0, 1 + random.nextInt(8)));
                if (random.nextInt(3) > 0) {
                    keys.sort(null);
                }
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    space(random, sb);
                    sb.append('"').append(keys.get(i)).append('"');
                    space(random, sb);
                    sb.append(':');
                    foreignJson(random, sb, depth + 1);
                }
                sb.append('}');
            }
        }
        space(random, sb);
    }

    private static void space(Random random, StringBuilder sb) {
        if (random.nextInt(4) == 0) {
            sb.append(" \n\t\r".charAt(random.nextInt(4)));
        }
    }

    private static String foreignNumber(Random random) {
        StringBuilder sb = new StringBuilder();
        if (random.nextBoolean()) {
            sb.append('-');
        }
        sb.append(random.nextInt(5) == 0 ? "0" : Integer.toString(random.nextInt(100_000)));
        if (random.nextBoolean()) {
            sb.append('.').append(random.nextInt(3) == 0 ? "000" : Integer.toString(random.nextInt(10_000))).append(
                    random.nextBoolean() ? "00" : "");
        }
        if (random.nextInt(3) == 0) {
            sb.append(random.nextBoolean() ? 'e' : 'E').append(random.nextBoolean() ? "-" : random.nextBoolean() ? "+" : "")
                    .append(random.nextInt(30));
        }
        return sb.toString();
    }

    private static void foreignString(Random random, StringBuilder sb) {
        sb.append('"');
        for (int i = random.nextInt(8); i > 0; i--) {
            switch (random.nextInt(7)) {
                case 0 -> sb.append(String.format("\\u%04x", random.nextInt(0x90)));
                case 1 -> sb.append(String.format("\\u%04X", random.nextInt(0x30)));
                case 2 -> sb.append('\\').append("\"\\/bfnrt".charAt(random.nextInt(8)));
                case 3 -> sb.append((char) (0xe0 + random.nextInt(0x100)));
                case 4 -> sb.appendCodePoint(0x1f300 + random.nextInt(0x100));
                default -> sb.append((char) (0x20 + random.nextInt(0x5f)));
            }
        }
        sb.append('"');
    }

    /** Overwrites, drops or appends a byte. */
    private static byte[] corrupt(Random random, byte[] payload) {
        int at = random.nextInt(payload.length + 1);
        switch (random.nextInt(3)) {
            case 0:
                return Arrays.copyOf(payload, at);
            case 1: {
                byte[] copy = Arrays.copyOf(payload, payload.length + 1);
                copy[payload.length] = (byte) random.nextInt(256);
                return copy;
            }
            default: {
                byte[] copy = payload.clone();
                if (at < copy.length) {
                    copy[at] = (byte) random.nextInt(256);
                }
                return copy;
            }
        }
    }
}

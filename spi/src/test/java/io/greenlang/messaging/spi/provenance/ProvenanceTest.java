package io.greenlang.messaging.spi.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.codec.MessagePackCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProvenanceTest {
    private static final Codecs CODECS = Codecs.standard();
    private static final Instant CREATED = Instant.parse("2024-05-01T10:15:30.123456Z");
    private static final Instant EXPIRES = Instant.parse("2024-05-01T10:20:30.123456Z");

    record Reading(String site, int count, long big, double ratio, float factor, boolean ok, Instant at,
            byte[] raw, List<Object> values, Map<String, Object> attributes, Object nothing) {
    }

    private static Message.Builder base() {
        return Message.builder("esg.readings")
                .id("018f2b6e-0000-7000-8000-000000000001")
                .createdAt(CREATED)
                .payload(new byte[] {1, 2, 3});
    }

    @Test
    void hashesRawPayloadsAsTheDocumentedEncodingSays() throws IOException {
        Message m = base()
                .header("tenant", "acme").header("b", "2").header("é", "accent")
                .priority(7).expiresAt(EXPIRES).correlationId("corr-1").key("site-42")
                .build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("GLM1".getBytes(StandardCharsets.US_ASCII));
        string(out, "018f2b6e-0000-7000-8000-000000000001");
        string(out, "esg.readings");
        out.writeInt(3);
        string(out, "b");
        string(out, "2");
        string(out, "tenant");
        string(out, "acme");
        string(out, "é"); // U+00E9 sorts after every ASCII key
        string(out, "accent");
        out.writeByte(7);
        out.writeLong(1_714_558_530_123_456L);
        out.writeByte(1); // has an expiry
        out.writeLong(1_714_558_830_123_456L);
        string(out, "corr-1");
        out.writeInt(-1); // no replyTo
        string(out, "site-42");
        out.writeByte('R');
        out.writeInt(3);
        out.write(new byte[] {1, 2, 3});

        assertThat(Provenance.hash(m, CODECS)).isEqualTo(sha256(bytes.toByteArray()));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 8 * 1024, 8 * 1024 + 1, 300_000})
    void hashesPayloadsOfEverySizeAsTheDocumentedEncodingSays(int size) throws IOException {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 31);
        }
        String longValue = "x".repeat(70_000); // grows the hashing buffer past what a thread keeps
        Message m = base().header("big", longValue).payload(payload).build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("GLM1".getBytes(StandardCharsets.US_ASCII));
        string(out, "018f2b6e-0000-7000-8000-000000000001");
        string(out, "esg.readings");
        out.writeInt(1);
        string(out, "big");
        string(out, longValue);
        out.writeByte(Message.DEFAULT_PRIORITY);
        out.writeLong(1_714_558_530_123_456L);
        out.writeByte(0); // no expiry
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeByte('R');
        out.writeInt(size);
        out.write(payload);

        assertThat(Provenance.hash(m, CODECS)).isEqualTo(sha256(bytes.toByteArray()));
        assertThat(Provenance.hash(m, CODECS)).as("the same again, on a thread whose buffer was reset")
                .isEqualTo(sha256(bytes.toByteArray()));
    }

    @Test
    void hashesJsonPayloadsAsCanonicalJson() throws IOException {
        String json = "{ \"b\" : [1, 2.50, \"x\\u00e9\\n\", 1e2, -0.0],\n \"a\": {\"z\": null, \"y\": true} }";
        Message m = base().payload(json.getBytes(StandardCharsets.UTF_8)).contentType("application/json").build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("GLM1".getBytes(StandardCharsets.US_ASCII));
        string(out, "018f2b6e-0000-7000-8000-000000000001");
        string(out, "esg.readings");
        out.writeInt(0);
        out.writeByte(4);
        out.writeLong(1_714_558_530_123_456L);
        out.writeByte(0); // no expiry
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeByte('S');
        string(out, "{\"a\":{\"y\":true,\"z\":null},\"b\":[1,2.5,\"xé\\n\",100,0]}");

        assertThat(Provenance.hash(m, CODECS)).isEqualTo(sha256(bytes.toByteArray()));
    }

    @Test
    void isStableAndHex() {
        Message m = base().header("a", "1").build();

        String hash = Provenance.hash(m, CODECS);

        assertThat(hash).matches("[0-9a-f]{64}");
        assertThat(Provenance.hash(m, CODECS)).isEqualTo(hash);
        assertThat(Provenance.hash(base().header("a", "1").build(), CODECS)).isEqualTo(hash);
    }

    @Test
    void isTheSameForAnObjectSentAsJsonOrMessagePack() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("zeta", List.of(1, 2.25, "three"));
        attributes.put("alpha", Map.of("nested", true, "grüße", "世界 \uD83C\uDF0D"));
        Reading reading = new Reading("site-42", 1, Long.MAX_VALUE, 0.1, 0.1f, true, CREATED,
                new byte[] {0, (byte) 0xFF, 42}, List.of(1.0, -3, 1e-7, 123456789.125), attributes, null);

        Message json = base().body(reading, new JsonCodec()).build();
        Message msgpack = base().body(reading, new MessagePackCodec()).build();

        assertThat(json.payload()).isNotEqualTo(msgpack.payload());
        assertThat(Provenance.hash(json, CODECS)).isEqualTo(Provenance.hash(msgpack, CODECS));
    }

    @Test
    void readsTheIntegerOneTheSameWhicheverCodecWroteIt() {
        String viaJson = hashOf("application/json", "1".getBytes(StandardCharsets.UTF_8));

        assertThat(hashOf("application/msgpack", new byte[] {0x01})).isEqualTo(viaJson); // positive fixint
        assertThat(hashOf("application/msgpack", new byte[] {(byte) 0xD1, 0, 1})).isEqualTo(viaJson); // int 16
        assertThat(hashOf("application/msgpack", new MessagePackCodec().encode(1.0))).isEqualTo(viaJson);
        assertThat(hashOf("application/json", "1.000".getBytes(StandardCharsets.UTF_8))).isEqualTo(viaJson);
        assertThat(hashOf("application/json", "1e0".getBytes(StandardCharsets.UTF_8))).isEqualTo(viaJson);
        assertThat(hashOf("application/json", "2".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(viaJson);
    }

    @Test
    void ignoresJsonLayoutAndKeyOrderButNotValues() {
        String a = hashOf("application/json", "{\"x\":1,\"y\":[true,null]}".getBytes(StandardCharsets.UTF_8));
        String b = hashOf("application/json; charset=utf-8",
                " {\n  \"y\" : [ true , null ],\n  \"x\" : 1\n} ".getBytes(StandardCharsets.UTF_8));
        String c = hashOf("application/json", "{\"x\":1,\"y\":[null,true]}".getBytes(StandardCharsets.UTF_8));

        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void doesNotHashTheContentType() {
        byte[] payload = {9, 8, 7};

        assertThat(hashOf("application/x-custom", payload)).isEqualTo(hashOf(Message.OCTET_STREAM, payload));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}", "[1e500]", "", "\"\\ud800\""})
    void hashesUnparseableOrAmbiguousJsonRaw(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);

        assertThat(hashOf("application/json", bytes)).isEqualTo(hashOf(Message.OCTET_STREAM, bytes));
    }

    @Test
    void hashesUnparseableOrAmbiguousMessagePackRaw() {
        byte[] valid = new MessagePackCodec().encode(Map.of("a", 1));
        List<byte[]> bad = List.of(
                new byte[] {(byte) 0xC1}, // never used
                new byte[] {(byte) 0x82, (byte) 0xA1, 'a'}, // truncated map
                new byte[] {(byte) 0x81, (byte) 0xA1, 'a', 1, 2}, // trailing byte
                new byte[] {(byte) 0x82, (byte) 0xA1, 'a', 1, (byte) 0xA1, 'a', 2}, // duplicate key
                new byte[] {(byte) 0x81, 0x01, 0x02}, // integer key
                new byte[] {(byte) 0xCB, 0x7F, (byte) 0xF8, 0, 0, 0, 0, 0, 0}, // NaN
                new byte[] {(byte) 0xD4, 0x01, 0x00}, // fixext 1
                new byte[] {(byte) 0xA2, (byte) 0xC3, 0x28}, // invalid UTF-8
                new byte[] {(byte) 0xDD, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // array claiming 2^31-1
        for (byte[] payload : bad) {
            assertThat(hashOf("application/msgpack", payload)).isEqualTo(hashOf(Message.OCTET_STREAM, payload));
        }
        assertThat(hashOf("application/msgpack", valid)).isNotEqualTo(hashOf(Message.OCTET_STREAM, valid));
    }

    @Test
    void fallsBackToRawForDeepNesting() {
        byte[] deep = ("[".repeat(600) + "]".repeat(600)).getBytes(StandardCharsets.UTF_8);

        assertThat(hashOf("application/json", deep)).isEqualTo(hashOf(Message.OCTET_STREAM, deep));
    }

    @Test
    void changesWhenAnyHashedFieldChanges() {
        Message original = base().header("tenant", "acme").priority(5).key("k1").build();
        List<UnaryOperator<Message.Builder>> changes = List.of(
                b -> b.id("018f2b6e-0000-7000-8000-000000000002"),
                b -> b.payload(new byte[] {1, 2, 4}),
                b -> b.payload(new byte[0]),
                b -> b.header("tenant", "acme2"),
                b -> b.header("extra", ""),
                b -> b.priority(6),
                b -> b.createdAt(CREATED.plusNanos(1000)),
                b -> b.expiresAt(EXPIRES),
                b -> b.expiresAt(EXPIRES.plusNanos(1000)),
                b -> b.correlationId("c"),
                b -> b.replyTo("replies"),
                b -> b.key("k2"));
        Set<String> hashes = new HashSet<>();
        hashes.add(Provenance.hash(original, CODECS));
        for (UnaryOperator<Message.Builder> change : changes) {
            hashes.add(Provenance.hash(change.apply(original.mutate()).build(), CODECS));
        }
        Message otherTopic = Message.builder("esg.other").id(original.id()).createdAt(CREATED)
                .payload(original.payload()).header("tenant", "acme").priority(5).key("k1").build();
        hashes.add(Provenance.hash(otherTopic, CODECS));

        assertThat(hashes).hasSize(changes.size() + 2);
    }

    @Test
    void separatesFieldsUnambiguously() {
        String ab = Provenance.hash(base().header("ab", "c").build(), CODECS);
        String a = Provenance.hash(base().header("a", "bc").build(), CODECS);
        String withKey = Provenance.hash(base().key("x").build(), CODECS);
        String withCorrelation = Provenance.hash(base().correlationId("x").build(), CODECS);

        assertThat(ab).isNotEqualTo(a);
        assertThat(withKey).isNotEqualTo(withCorrelation);
    }

    @Test
    void stampsOnlyUnstampedMessages() {
        Message m = base().build();

        Message stamped = Provenance.stamp(m, CODECS);

        assertThat(m.provenanceHash()).isEmpty();
        assertThat(stamped.provenanceHash()).contains(Provenance.hash(m, CODECS));
        assertThat(stamped.mutate().provenanceHash(stamped.provenanceHash().get()).build()).isEqualTo(stamped);
        assertThat(Provenance.stamp(stamped, CODECS)).isSameAs(stamped);
    }

    @Test
    void verifiesTheDeclaredHash() {
        Message stamped = Provenance.stamp(base().build(), CODECS);
        Message tampered = stamped.mutate().priority(9).provenanceHash(stamped.provenanceHash().get()).build();

        assertThat(Provenance.verify(stamped, CODECS)).isTrue();
        assertThat(Provenance.verify(base().build(), CODECS)).isFalse();
        assertThat(Provenance.verify(tampered, CODECS)).isFalse();
    }

    @Test
    void writesCanonicalNumbers() throws Exception {
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestDouble(0.1))).isEqualTo("0.1");
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestDouble(1.0 / 3))).isEqualTo("0.3333333333333333");
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestDouble(1e21))).isEqualTo("1000000000000000000000");
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestDouble(-2.5e-5))).isEqualTo("-0.000025");
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestDouble(-0.0))).isEqualTo("0");
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestDouble(Double.MAX_VALUE)))
                .isEqualTo("17976931348623157" + "0".repeat(292));
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestFloat(0.1f))).isEqualTo("0.1");
        assertThat(CanonicalPayload.plain(CanonicalPayload.shortestFloat(16777217f))).isEqualTo("16777216");
    }

    @Test
    void writesCanonicalJson() {
        String json = "{\"b\":\"\\u0001\\u001f\\\"\\\\\\/\\t\u2028\",\"a\":[],\"\u00e9\":{},\"Z\":-12.50e1}";
        byte[] msgpack = {(byte) 0x82, (byte) 0xA1, 'k', (byte) 0xC4, 2, 0, (byte) 0xFF, (byte) 0xA1, 'f',
            (byte) 0xCA, 0x3D, (byte) 0xCC, (byte) 0xCC, (byte) 0xCD}; // {k: bin [00 ff], f: float32 0.1}

        assertThat(new String(CanonicalPayload.fromJson(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEqualTo("{\"Z\":-125,\"a\":[],\"b\":\"\\u0001\\u001f\\\"\\\\/\\t\u2028\",\"\u00e9\":{}}");
        assertThat(new String(CanonicalPayload.fromMessagePack(msgpack), StandardCharsets.UTF_8))
                .isEqualTo("{\"f\":0.1,\"k\":\"AP8=\"}");
    }

    private static String hashOf(String contentType, byte[] payload) {
        return Provenance.hash(base().payload(payload).contentType(contentType).build(), CODECS);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

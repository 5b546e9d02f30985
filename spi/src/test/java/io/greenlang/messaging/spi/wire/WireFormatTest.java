package io.greenlang.messaging.spi.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.codec.JsonCodec;
import io.greenlang.messaging.spi.provenance.Provenance;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static final Instant CREATED = Instant.parse("2024-05-01T10:15:30.123456Z");

    private static Message full() {
        Message m = Message.builder("esg.tasks")
                .id("018f2b6e-0000-7000-8000-000000000001")
                .payload("{\"site\":42,\"name\":\"Grüße 世界 \uD83C\uDF0D\"}".getBytes(StandardCharsets.UTF_8))
                .contentType("application/json; charset=utf-8")
                .header("tenant", "acme")
                .header("trace-ïd", "ünïcode \uD83D\uDE00")
                .header("empty", "")
                .priority(9)
                .createdAt(CREATED)
                .expiresAt(Instant.parse("2024-05-01T10:20:30.654321Z"))
                .correlationId("corr-1")
                .replyTo("esg.replies")
                .key("site-42")
                .build();
        return Provenance.stamp(m, Codecs.standard());
    }

    /**
     * The smallest message: one-letter id and topic, no payload, nothing optional; its content type is one the
     * envelope has no code for, so every field is written in full.
     */
    private static Message minimal() {
        return Message.builder("t").id("i").contentType(CUSTOM_TYPE).createdAt(Instant.EPOCH).build();
    }

    private static final String CUSTOM_TYPE = "application/vnd.acme.doc";

    @Test
    void roundTripsAFullyPopulatedMessage() {
        Message m = full();

        Message decoded = WireFormat.decode(WireFormat.encode(m));

        assertThat(decoded).isEqualTo(m);
        assertThat(decoded.provenanceHash()).isEqualTo(m.provenanceHash()).isPresent();
        assertThat(decoded.headers()).isEqualTo(m.headers());
        assertThat(decoded.expiresAt()).contains(Instant.parse("2024-05-01T10:20:30.654321Z"));
        assertThat(decoded.createdAt()).isEqualTo(CREATED);
        assertThat(decoded.payloadAsString()).isEqualTo(m.payloadAsString());
        assertThat(Provenance.verify(decoded, Codecs.standard())).isTrue();
    }

    @Test
    void decodesASliceOfALargerArray() {
        Message m = full();
        byte[] bytes = WireFormat.encode(m);

        assertThat(WireFormat.decode(embedded(bytes), 5, bytes.length)).isEqualTo(m);
        assertThatThrownBy(() -> WireFormat.decode(bytes, 1, bytes.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void encodesAMinimalMessageAsDocumented() {
        byte[] bytes = WireFormat.encode(minimal());

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(
                "474c4d02" // magic, version
                + "00" // flags
                + "0169" + "0174" // id "i", topic "t"
                + "18" + HexFormat.of().formatHex(CUSTOM_TYPE.getBytes(StandardCharsets.US_ASCII))
                + "00" // no headers
                + "04" // priority
                + "0000000000000000" // createdAt
                + "00"); // empty payload
        assertThat(WireFormat.decode(bytes)).isEqualTo(minimal());
    }

    @Test
    void writesAKnownContentTypeAsACode() {
        Message m = Message.builder("t").id("i").contentType("application/json").createdAt(Instant.EPOCH).build();

        byte[] bytes = WireFormat.encode(m);

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(
                "474c4d02" // magic, version
                + "20" // flags: content type as a code
                + "0169" + "0174" // id "i", topic "t"
                + "01" // application/json
                + "00" + "04" + "0000000000000000" + "00");
        assertThat(WireFormat.decode(bytes)).isEqualTo(m);
        assertThat(WireFormat.decode(bytes).contentType()).isSameAs(JsonCodec.CONTENT_TYPE);
    }

    @Test
    void rejectsAnUnknownContentTypeCode() {
        byte[] bytes = WireFormat.encode(Message.builder("t").id("i").createdAt(Instant.EPOCH).build());
        bytes[9] = 3; // after magic, version, flags, id "i" and topic "t"

        assertDecodeFails(bytes, "Invalid GreenLang message envelope of 21 bytes: the content type code 3 is "
                + "unknown; this library knows codes 0 to 2. Upgrade greenlang-messaging on this consumer.");
        assertDecodeFails(Arrays.copyOf(bytes, 9), "Invalid GreenLang message envelope of 9 bytes: it is truncated "
                + "in field 'contentType' (1 more byte needed at offset 9).");
    }

    @Test
    void writesACanonicalUuidIdAsSixteenBytes() {
        Message m = Message.builder("t").id("018f2b6e-0000-7000-8000-00000000002a").contentType(CUSTOM_TYPE)
                .createdAt(Instant.EPOCH).build();

        byte[] bytes = WireFormat.encode(m);

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(
                "474c4d02" // magic, version
                + "40" // flags: id as a UUID
                + "018f2b6e000070008000" + "00000000002a" // the id's 16 bytes
                + "0174" // topic "t"
                + "18" + HexFormat.of().formatHex(CUSTOM_TYPE.getBytes(StandardCharsets.US_ASCII))
                + "00" + "04" + "0000000000000000" + "00");
        assertThat(WireFormat.decode(bytes)).isEqualTo(m);
        assertThat(WireFormat.decode(bytes).id()).isEqualTo("018f2b6e-0000-7000-8000-00000000002a");
        assertThat(WireFormat.decode(WireFormat.encode(Message.builder("t").build())).id())
                .as("a generated id is a UUID").hasSize(36);
    }

    @Test
    void keepsAnIdThatIsNotACanonicalUuidAsWritten() {
        for (String id : new String[] {"018F2B6E-0000-7000-8000-00000000002A", "018f2b6e00007000800000000000002a",
                "018f2b6e-0000-7000-8000-00000000002", "018f2b6e-0000-7000-8000-00000000002g",
                "018f2b6e+0000-7000-8000-00000000002a", "{018f2b6e-0000-7000-8000-00000000002}"}) {
            Message m = Message.builder("t").id(id).createdAt(Instant.EPOCH).build();

            byte[] bytes = WireFormat.encode(m);

            assertThat(bytes[4] & 0x40).as("the UUID flag for %s", id).isZero();
            assertThat(WireFormat.decode(bytes).id()).isEqualTo(id);
        }
    }

    @Test
    void readsAUuidFromEveryPositionOfItsText() {
        Random random = new Random(7);
        for (int round = 0; round < 1_000; round++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());
            String text = uuid.toString();

            assertThat(WireFormat.uuidBytes(text)).as(text).isEqualTo(ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
            int at = random.nextInt(36);
            char replaced = text.charAt(at) == '-' ? '0' : "-gGF/:`{\u00e9\u0100".charAt(random.nextInt(10));
            String damaged = text.substring(0, at) + replaced + text.substring(at + 1);
            assertThat(WireFormat.uuidBytes(damaged)).as(damaged).isNull();
        }
    }

    @Test
    void leavesTheTopicToTheCarrierWhenAsked() {
        Message m = full();
        byte[] withTopic = WireFormat.encode(m);

        byte[] without = WireFormat.encodeWithoutTopic(m);

        assertThat(without).hasSize(withTopic.length - "esg.tasks".length());
        assertThat(WireFormat.decode(without, 0, without.length, "esg.tasks")).isEqualTo(m);
        assertThat(WireFormat.decode(without, "esg.tasks")).isEqualTo(m);
        assertThat(WireFormat.decode(embedded(without), 5, without.length, "esg.tasks")).isEqualTo(m);
        assertThat(WireFormat.decode(without, 0, without.length, "other.topic").topic()).isEqualTo("other.topic");
        assertThat(WireFormat.decode(withTopic, 0, withTopic.length, "other.topic").topic())
                .as("an envelope that names its topic keeps it").isEqualTo("esg.tasks");
        assertDecodeFails(without, "Invalid GreenLang message envelope of " + without.length + " bytes: it omits "
                + "its topic, which the reader must supply as the topic it was read from; decode it with "
                + "WireFormat.decode(bytes, offset, length, topic).");
        byte[] minimal = WireFormat.encodeWithoutTopic(minimal());
        assertThat(HexFormat.of().formatHex(minimal, 5, 9)).as("id \"i\", then the empty topic")
                .isEqualTo("0169" + "00" + "18");
        assertThat(WireFormat.decode(minimal, 0, minimal.length, "t")).isEqualTo(minimal());
    }

    @Test
    void roundTripsTheFirstAndLastMicrosecondsOfALong() {
        for (long micros : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1_000_001, -1, 0, Long.MAX_VALUE}) {
            Instant t = EpochMicros.toInstant(micros);
            Message m = Provenance.stamp(Message.builder("t").createdAt(t).expiresAt(t).build(), Codecs.standard());

            assertThat(EpochMicros.of(t)).isEqualTo(micros);
            assertThat(WireFormat.decode(WireFormat.encode(m))).isEqualTo(m);
            assertThat(Provenance.verify(WireFormat.decode(WireFormat.encode(m)), Codecs.standard())).isTrue();
        }
        assertThat(EpochMicros.of(Instant.parse("1969-12-31T23:59:59.9999999Z"))).as("floor").isEqualTo(-1);
        assertThatThrownBy(() -> EpochMicros.of(EpochMicros.toInstant(Long.MIN_VALUE).minusNanos(1)))
                .isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> EpochMicros.of(EpochMicros.toInstant(Long.MAX_VALUE).plusNanos(1000)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void roundTripsTimesBeforeTheEpochAndLargePayloads() {
        byte[] payload = new byte[70_000];
        new Random(1).nextBytes(payload);
        Message m = Message.builder("big").createdAt(Instant.parse("1969-12-31T23:59:59.999999Z"))
                .expiresAt(Instant.parse("1900-01-01T00:00:00Z")).payload(payload).build();

        Message decoded = WireFormat.decode(WireFormat.encode(m));

        assertThat(decoded).isEqualTo(m);
        assertThat(decoded.createdAt()).isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
        assertThat(decoded.payload()).isEqualTo(payload);
    }

    @Test
    void decodesEachTopicRightWhateverWasDecodedBefore() {
        byte[] a = WireFormat.encode(Message.builder("orders.eu").text("1").build());
        byte[] b = WireFormat.encode(Message.builder("orders.us").text("2").build());
        byte[] longer = WireFormat.encode(Message.builder("orders.eu.late").text("3").build());
        byte[] invalid = WireFormat.encode(Message.builder("orders.eu").text("4").build());
        int at = indexOf(invalid, "orders.eu".getBytes(StandardCharsets.US_ASCII));
        invalid[at + 6] = '/'; // "orders/eu": not a valid topic name

        for (int round = 0; round < 2; round++) {
            assertThat(WireFormat.decode(a).topic()).isEqualTo("orders.eu");
            assertThat(WireFormat.decode(a).topic()).isEqualTo("orders.eu");
            assertThat(WireFormat.decode(b).topic()).isEqualTo("orders.us");
            assertThat(WireFormat.decode(longer).topic()).isEqualTo("orders.eu.late");
            assertThatThrownBy(() -> WireFormat.decode(invalid)).isInstanceOf(PayloadDecodingException.class)
                    .hasMessageContaining("topic");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void rejectsStringsThatAreNotUnicode() {
        Message m = Message.builder("t").header("h", "bad \uD800 surrogate").build();

        assertThatThrownBy(() -> WireFormat.encode(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Field header h holds an unpaired UTF-16 surrogate at index 4, which is not Unicode "
                        + "text and cannot be encoded");
    }

    @Test
    void rejectsEmptyInput() {
        assertDecodeFails(new byte[0], "Invalid GreenLang message envelope of 0 bytes: the input is empty (0 bytes).");
    }

    @Test
    void rejectsOtherData() {
        byte[] json = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

        assertDecodeFails(json, "Not a GreenLang message envelope (first bytes 7b 22 69 64 22 3a 31 7d; an envelope "
                + "starts with 47 4c 4d, \"GLM\"). The record was not written by a GreenLang Messaging backend.");
        assertDecodeFails(new byte[] {'G', 'X'}, "Not a GreenLang message envelope (first bytes 47 58; an envelope "
                + "starts with 47 4c 4d, \"GLM\"). The record was not written by a GreenLang Messaging backend.");
    }

    @Test
    void rejectsAnUnknownVersion() {
        byte[] bytes = WireFormat.encode(minimal());
        bytes[3] = 3;

        assertDecodeFails(bytes, "Invalid GreenLang message envelope of 45 bytes: envelope version 3 is not "
                + "supported; this library reads versions 1 to 2. Upgrade greenlang-messaging on this consumer.");
    }

    @Test
    void rejectsUnknownFlags() {
        byte[] bytes = WireFormat.encode(minimal());
        bytes[4] = (byte) 0x80;

        assertDecodeFails(bytes, "Invalid GreenLang message envelope of 45 bytes: unknown flags 0x80 in a version 2 "
                + "envelope.");
    }

    @Test
    void readsVersionOneAsItWasWritten() {
        // a full message as version 1 wrote it: the id as a string, the topic always there
        Message m = full();
        byte[] v1 = v1Envelope(m);

        assertThat(WireFormat.decode(v1)).isEqualTo(m);
        assertThat(WireFormat.decode(v1, 0, v1.length, "other.topic").topic()).isEqualTo("esg.tasks");
        byte[] uuidFlag = v1.clone();
        uuidFlag[4] |= 0x40;
        assertDecodeFails(uuidFlag, "Invalid GreenLang message envelope of " + v1.length + " bytes: unknown flags "
                + "0x40 in a version 1 envelope.");
        byte[] noTopic = WireFormat.encodeWithoutTopic(Message.builder("t").id("i").createdAt(Instant.EPOCH).build());
        noTopic[3] = 1;
        assertThatThrownBy(() -> WireFormat.decode(noTopic, 0, noTopic.length, "t"))
                .as("version 1 has no empty topic").isInstanceOf(PayloadDecodingException.class)
                .hasMessageContaining("omits its topic");
    }

    /** {@code m}'s version 2 envelope rewritten as version 1: the UUID id back as its 36-character string. */
    private static byte[] v1Envelope(Message m) {
        byte[] v2 = WireFormat.encode(m);
        assertThat(v2[4] & 0x40).as("the id is written as a UUID").isNotZero();
        byte[] id = m.id().getBytes(StandardCharsets.US_ASCII);
        byte[] v1 = new byte[v2.length - 16 + 1 + id.length];
        System.arraycopy(v2, 0, v1, 0, 5);
        v1[3] = 1;
        v1[4] = (byte) (v2[4] & ~0x40);
        v1[5] = (byte) id.length;
        System.arraycopy(id, 0, v1, 6, id.length);
        System.arraycopy(v2, 5 + 16, v1, 6 + id.length, v2.length - 5 - 16);
        return v1;
    }

    @Test
    void namesTheFieldWhereInputIsTruncated() {
        byte[] bytes = WireFormat.encode(minimal());

        assertDecodeFails(Arrays.copyOf(bytes, 2), "Invalid GreenLang message envelope of 2 bytes: it is truncated "
                + "in field 'magic and version' (2 more bytes needed at offset 0).");
        assertDecodeFails(Arrays.copyOf(bytes, 4), "Invalid GreenLang message envelope of 4 bytes: it is truncated "
                + "in field 'flags' (1 more byte needed at offset 4).");
        assertDecodeFails(Arrays.copyOf(bytes, 6), "Invalid GreenLang message envelope of 6 bytes: it is truncated "
                + "in field 'id' (1 more byte needed at offset 6).");
        assertDecodeFails(Arrays.copyOf(bytes, 20), "Invalid GreenLang message envelope of 20 bytes: it is "
                + "truncated in field 'contentType' (14 more bytes needed at offset 10).");
        assertDecodeFails(Arrays.copyOf(bytes, 37), "Invalid GreenLang message envelope of 37 bytes: it is "
                + "truncated in field 'createdAt' (7 more bytes needed at offset 36).");
        assertDecodeFails(Arrays.copyOf(bytes, 44), "Invalid GreenLang message envelope of 44 bytes: it is "
                + "truncated in field 'payload length' (1 more byte needed at offset 44).");
        byte[] full = WireFormat.encode(full());
        assertDecodeFails(Arrays.copyOf(full, full.length - 1), "Invalid GreenLang message envelope of "
                + (full.length - 1) + " bytes: it is truncated in field 'payload' (1 more byte needed at offset "
                + (full.length - full().payloadSize()) + ").");
    }

    @Test
    void rejectsBytesAfterThePayload() {
        byte[] bytes = Arrays.copyOf(WireFormat.encode(minimal()), 47);

        assertDecodeFails(bytes, "Invalid GreenLang message envelope of 47 bytes: 2 unexpected bytes follow the "
                + "payload.");
    }

    @Test
    void rejectsInvalidFieldValues() {
        byte[] badTopic = WireFormat.encode(minimal());
        badTopic[8] = '/'; // topic "t" -> "/"
        assertDecodeFails(badTopic, "Invalid GreenLang message envelope of 45 bytes: field 'topic' is invalid: "
                + "Invalid topic name '/': character '/' at index 0 is not allowed. Use 1 to 249 characters from "
                + "[A-Za-z0-9._-].");

        byte[] badPriority = WireFormat.encode(minimal());
        badPriority[35] = 10;
        assertDecodeFails(badPriority, "Invalid GreenLang message envelope of 45 bytes: field 'priority' is "
                + "invalid: priority must be from 0 to 9, was 10.");

        byte[] blankId = WireFormat.encode(minimal());
        blankId[6] = ' ';
        assertDecodeFails(blankId, "Invalid GreenLang message envelope of 45 bytes: field 'id' is invalid: id must "
                + "not be blank.");

        byte[] badUtf8 = WireFormat.encode(minimal());
        badUtf8[6] = (byte) 0xC3;
        assertDecodeFails(badUtf8, "Invalid GreenLang message envelope of 45 bytes: field 'id' at offset 6 is not "
                + "valid UTF-8.");

        byte[] hugeLength = WireFormat.encode(minimal());
        hugeLength[5] = (byte) 0xFF; // id length varint ff 69 = 127 + (0x69 << 7) = 13567
        assertDecodeFails(hugeLength, "Invalid GreenLang message envelope of 45 bytes: it is truncated in field 'id' "
                + "(13529 more bytes needed at offset 7).");
    }

    @Test
    void rejectsDuplicateHeaders() {
        byte[] bytes = WireFormat.encode(Message.builder("t").id("i").createdAt(Instant.EPOCH)
                .header("a", "1").header("b", "2").build());
        String hex = HexFormat.of().formatHex(bytes).replace("01620132", "01610132"); // header b -> a

        assertDecodeFails(HexFormat.of().parseHex(hex), "Invalid GreenLang message envelope of 29 bytes: header "
                + "'a' appears twice.");
    }

    @Test
    void rejectsAHeaderCountLargerThanTheInput() {
        byte[] bytes = WireFormat.encode(minimal());
        bytes[34] = 0x7F;

        assertDecodeFails(bytes, "Invalid GreenLang message envelope of 45 bytes: the header count 127 exceeds "
                + "what the remaining 10 bytes can hold.");
    }

    @Test
    void failsOnlyWithPayloadDecodingExceptionOnRandomAndDamagedInput() {
        Random random = new Random(20240501);
        byte[][] valid = {WireFormat.encode(full()), WireFormat.encode(minimal())};
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] input;
            switch (round % 4) {
                case 0: { // random bytes, half of them behind a valid magic
                    input = new byte[random.nextInt(64)];
                    random.nextBytes(input);
                    if (input.length >= 4 && random.nextBoolean()) {
                        input[0] = 'G';
                        input[1] = 'L';
                        input[2] = 'M';
                        input[3] = (byte) (1 + random.nextInt(2)); // either version
                    }
                    break;
                }
                case 1: { // truncation
                    byte[] source = valid[random.nextInt(valid.length)];
                    input = Arrays.copyOf(source, random.nextInt(source.length));
                    break;
                }
                default: { // one to three damaged bytes
                    byte[] source = valid[random.nextInt(valid.length)];
                    input = source.clone();
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                }
            }
            try {
                Message m = WireFormat.decode(input);
                assertThat(WireFormat.decode(WireFormat.encode(m))).isEqualTo(m);
                decoded++;
            } catch (PayloadDecodingException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(decoded).isGreaterThan(0); // damaged payload bytes still decode
    }

    /** Also as a slice of a larger array, with other bytes around it: the same message, offsets included. */
    private static void assertDecodeFails(byte[] bytes, String message) {
        assertThatThrownBy(() -> WireFormat.decode(bytes))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage(message);
        byte[] larger = embedded(bytes);
        assertThatThrownBy(() -> WireFormat.decode(larger, 5, bytes.length))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage(message);
    }

    /** {@code bytes} at offset 5 of an array with 7 more bytes that would fail any decode if read. */
    private static byte[] embedded(byte[] bytes) {
        byte[] larger = new byte[bytes.length + 12];
        Arrays.fill(larger, (byte) 0xFF);
        System.arraycopy(bytes, 0, larger, 5, bytes.length);
        return larger;
    }
}

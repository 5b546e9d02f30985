package io.greenlang.messaging.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagePackCodecTest {
    record Line(String sku, int quantity) {
    }

    record Order(String id, double total, float discount, long big, Instant placedAt, List<Line> lines,
            Map<String, Object> attributes) {
    }

    record Blob(String name, byte[] data) {
    }

    private final MessagePackCodec codec = new MessagePackCodec();

    @Test
    void namesItselfMsgpack() {
        assertThat(codec.name()).isEqualTo("msgpack");
        assertThat(codec.contentType()).isEqualTo("application/msgpack");
    }

    @Test
    void roundTripsNestedRecordsListsAndMaps() {
        Order order = new Order("o-1", 12.5, 0.25f, Long.MAX_VALUE, Instant.parse("2024-05-01T10:15:30.123456Z"),
                List.of(new Line("a", 1), new Line("b", 2)),
                Map.of("site", 42, "tags", List.of("x", "y"), "nested", Map.of("deep", true)));

        assertThat(codec.decode(codec.encode(order), Order.class)).isEqualTo(order);
    }

    @Test
    void writesAMapAsAMessagePackMap() {
        // fixmap of 1: fixstr "a" -> positive fixint 1
        assertThat(codec.encode(Map.of("a", 1))).containsExactly(0x81, 0xA1, 'a', 0x01);
    }

    @Test
    void roundTripsUnicode() {
        Map<String, String> value = Map.of("text", "Grüße, 世界, emoji \uD83C\uDF0D");

        assertThat((Object) codec.decode(codec.encode(value), Map.class)).isEqualTo(value);
    }

    @Test
    void writesBytesAsMessagePackBinary() {
        byte[] data = {0, 1, 2, (byte) 0xFF};

        byte[] encoded = codec.encode(data);

        assertThat(encoded).containsExactly(0xC4, 4, 0, 1, 2, 0xFF); // bin 8
        assertThat(codec.decode(encoded, byte[].class)).containsExactly(0, 1, 2, 0xFF);
        assertThat(codec.decode(codec.encode(new Blob("x", data)), Blob.class).data()).containsExactly(0, 1, 2, 0xFF);
    }

    @Test
    void rejectsAnEmptyPayload() {
        assertThatThrownBy(() -> codec.decode(new byte[0], Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage("Cannot decode an empty payload (content type application/msgpack) as "
                        + Line.class.getTypeName() + ": an empty payload is not valid MessagePack. The producer "
                        + "must publish a MessagePack document (encode null for no value) or use content type "
                        + "application/octet-stream.");
    }

    @Test
    void rejectsATruncatedPayload() {
        byte[] encoded = codec.encode(new Line("abc", 1));
        byte[] truncated = Arrays.copyOf(encoded, encoded.length - 2);

        assertThatThrownBy(() -> codec.decode(truncated, Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage("Cannot decode a payload of " + truncated.length + " bytes (content type application/msgpack) as "
                        + Line.class.getTypeName() + ": the payload is truncated (it ends inside a value)");
    }

    @Test
    void rejectsBytesAfterTheValue() {
        byte[] encoded = codec.encode(new Line("abc", 1));
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 2);

        assertThatThrownBy(() -> codec.decode(longer, Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageEndingWith(": 2 bytes follow the first MessagePack value; a payload must hold exactly "
                        + "one value");
    }

    @Test
    void rejectsAWrongType() {
        byte[] encoded = codec.encode(Map.of("sku", "a", "quantity", "many"));

        assertThatThrownBy(() -> codec.decode(encoded, Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageContaining("as " + Line.class.getTypeName() + ": Cannot deserialize value of type `int`")
                .hasMessageContaining(" at $.quantity");
    }

    @Test
    void failsToEncodeAnUnserializableValueWithMessagingException() {
        assertThatThrownBy(() -> codec.encode(new Object()))
                .isExactlyInstanceOf(MessagingException.class)
                .hasMessageStartingWith("Cannot encode a java.lang.Object as application/msgpack: ");
    }
}

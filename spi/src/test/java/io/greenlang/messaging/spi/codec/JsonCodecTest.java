package io.greenlang.messaging.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.PayloadDecodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
    record Line(String sku, int quantity) {
    }

    record Order(String id, double total, Instant placedAt, List<Line> lines, Map<String, String> attributes) {
    }

    record Blob(String name, byte[] data) {
    }

    private final JsonCodec codec = new JsonCodec();

    @Test
    void namesItselfJson() {
        assertThat(codec.name()).isEqualTo("json");
        assertThat(codec.contentType()).isEqualTo("application/json");
    }

    @Test
    void roundTripsNestedRecordsListsAndMaps() {
        Order order = new Order("o-1", 12.5, Instant.parse("2024-05-01T10:15:30.123456Z"),
                List.of(new Line("a", 1), new Line("b", 2)), Map.of("site", "42", "tenant", "acme"));

        byte[] json = codec.encode(order);

        assertThat(codec.decode(json, Order.class)).isEqualTo(order);
        assertThat(new String(json, StandardCharsets.UTF_8))
                .contains("\"placedAt\":\"2024-05-01T10:15:30.123456Z\"")
                .contains("\"lines\":[{\"quantity\":1,\"sku\":\"a\"},{\"quantity\":2,\"sku\":\"b\"}]");
    }

    @Test
    void roundTripsUnicode() {
        Map<String, String> value = Map.of("text", "Grüße, 世界, emoji \uD83C\uDF0D, \u0000 and \"quotes\"");

        byte[] json = codec.encode(value);

        assertThat((Object) codec.decode(json, Map.class)).isEqualTo(value);
    }

    @Test
    void writesPropertiesAndMapEntriesSortedAndFloatsAsTheirShortestDecimal() {
        record Reading(String site, double ratio, float factor, double whole, Map<String, Object> tags) {
        }
        Map<String, Object> tags = new java.util.LinkedHashMap<>();
        tags.put("z", 1);
        tags.put("a", -0.0);
        byte[] json = codec.encode(new Reading("s", 3.79322134594611300E17, 0.1f, 2.0, tags));

        // Double.toString gives 4.9E-324 and, before Java 19, 3.7932213459461133E17: one digit too many.
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"factor\":0.1,\"ratio\":3.793221345946113E+17,\"site\":\"s\",\"tags\":{\"a\":-0.0,\"z\":1},"
                + "\"whole\":2.0}");
        assertThat(new String(codec.encode(Double.MIN_VALUE), StandardCharsets.UTF_8)).isEqualTo("5E-324");
        assertThat(codec.decode(codec.encode(Double.MIN_VALUE), Double.class)).isEqualTo(Double.MIN_VALUE);
        assertThat(codec.decode(json, Reading.class).ratio()).isEqualTo(3.79322134594611300E17);
    }

    @Test
    void writesMapsWhoseKeysCannotBeSortedUnsorted() {
        Map<Object, Object> mixed = new java.util.HashMap<>();
        mixed.put(1, "x");
        mixed.put("b", 2);

        assertThat((Object) codec.decode(codec.encode(mixed), Map.class)).isEqualTo(Map.of("1", "x", "b", 2));
        assertThat((Object) new MessagePackCodec().decode(new MessagePackCodec().encode(mixed), Map.class))
                .isEqualTo(Map.of("1", "x", "b", 2));
    }

    @Test
    void writesBytesAsBase64AndReadsThemBack() {
        byte[] data = {0, 1, 2, (byte) 0xFF};

        byte[] json = codec.encode(new Blob("x", data));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"data\":\"AAEC/w==\",\"name\":\"x\"}"); // sorted
        assertThat(codec.decode(json, Blob.class).data()).containsExactly(0, 1, 2, 0xFF);
        assertThat(codec.decode(codec.encode(data), byte[].class)).containsExactly(0, 1, 2, 0xFF);
    }

    @Test
    void ignoresUnknownProperties() {
        byte[] json = "{\"sku\":\"a\",\"quantity\":3,\"colour\":\"red\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decode(json, Line.class)).isEqualTo(new Line("a", 3));
    }

    @Test
    void decodesJsonNullAsNull() {
        assertThat(codec.decode("null".getBytes(StandardCharsets.UTF_8), Line.class)).isNull();
    }

    @Test
    void rejectsAnEmptyPayload() {
        assertThatThrownBy(() -> codec.decode(new byte[0], Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage("Cannot decode an empty payload (content type application/json) as "
                        + Line.class.getTypeName() + ": an empty payload is not valid JSON. The producer must "
                        + "publish a JSON document (encode null for no value) or use content type "
                        + "application/octet-stream.");
    }

    @Test
    void rejectsMalformedJsonWithTypeContentTypeReasonAndPosition() {
        byte[] bad = "{\"sku\": tru}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decode(bad, Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageStartingWith("Cannot decode a payload of 12 bytes (content type application/json) as "
                        + Line.class.getTypeName() + ": Unrecognized token 'tru'")
                .hasMessageEndingWith("(line 1, column 9)");
    }

    @Test
    void rejectsAWrongTypeNamingThePath() {
        byte[] bad = "{\"sku\":\"a\",\"quantity\":\"many\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decode(bad, Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageContaining("as " + Line.class.getTypeName() + ": Cannot deserialize value of type `int`")
                .hasMessageContaining(" at $.quantity (line 1, column 23)");
    }

    @Test
    void rejectsContentAfterTheValue() {
        byte[] bad = "{\"sku\":\"a\",\"quantity\":1} {}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decode(bad, Line.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageContaining("Trailing token");
    }

    @Test
    void neverCopiesALongPayloadIntoTheMessage() {
        String secret = "x".repeat(5000);
        byte[] bad = ("[\"" + secret + "\"").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> codec.decode(bad, List.class))
                .isInstanceOf(PayloadDecodingException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
    }

    @Test
    void failsToEncodeAnUnserializableValueWithMessagingException() {
        Object value = new Object();

        assertThatThrownBy(() -> codec.encode(value))
                .isExactlyInstanceOf(MessagingException.class)
                .hasMessageStartingWith("Cannot encode a java.lang.Object as application/json: No serializer found");
    }
}

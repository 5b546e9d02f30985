package io.greenlang.messaging.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.messaging.Codec;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CodecsTest {
    record Point(int x, int y) {
    }

    /** A codec of the test's own, to check registration. */
    static final class UpperCodec implements Codec {
        @Override
        public String name() {
            return "upper";
        }

        @Override
        public String contentType() {
            return "text/x-upper";
        }

        @Override
        public byte[] encode(Object value) {
            return value.toString().toUpperCase().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public <T> T decode(byte[] payload, Class<T> type) {
            return type.cast(new String(payload, StandardCharsets.UTF_8));
        }
    }

    private final Codecs codecs = Codecs.standard();

    @Test
    void standardHoldsJsonAndMsgpack() {
        assertThat(codecs.names()).containsExactly("json", "msgpack");
        assertThat(codecs.forName("json")).isInstanceOf(JsonCodec.class);
        assertThat(codecs.forName("MsgPack")).isInstanceOf(MessagePackCodec.class);
        assertThat(Codecs.standard()).isSameAs(codecs);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> codecs.forName("avro"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown codec 'avro'. Known codecs: json, msgpack. Set the option 'codec' to one of them.");
    }

    @ParameterizedTest
    @CsvSource({
        "application/json, json",
        "application/json; charset=utf-8, json",
        "APPLICATION/JSON;charset=UTF-8, json",
        "  application/json  , json",
        "text/json, json",
        "application/vnd.api+json, json",
        "application/cloudevents+json; charset=utf-8, json",
        "application/msgpack, msgpack",
        "application/x-msgpack, msgpack",
        "application/vnd.msgpack, msgpack",
        "Application/X-MsgPack; foo=bar, msgpack",
    })
    void findsCodecsByContentType(String contentType, String expected) {
        assertThat(codecs.forContentType(contentType)).map(Codec::name).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/octet-stream", "text/plain", "application/xml", "text/json+x",
        "application/jsonx", "image/vnd+json", ""})
    void findsNoCodecForOtherContentTypes(String contentType) {
        assertThat(codecs.forContentType(contentType)).isEmpty();
    }

    @Test
    void registersOtherCodecsAndRejectsDuplicates() {
        Codecs more = codecs.with(new UpperCodec());

        assertThat(more.names()).containsExactly("json", "msgpack", "upper");
        assertThat(more.forContentType("text/x-upper; q=1")).map(Codec::name).contains("upper");
        assertThat(codecs.names()).containsExactly("json", "msgpack");
        assertThatThrownBy(() -> Codecs.of(new JsonCodec(), new JsonCodec()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Two codecs are named 'json': ");
        assertThat(Codecs.of(new MessagePackCodec()).forContentType("text/json")).isEmpty();
    }

    @Test
    void decodesByTheMessagesContentType() {
        Point p = new Point(1, 2);
        Message json = Message.builder("points").body(p, new JsonCodec()).build();
        Message msgpack = Message.builder("points").body(p, new MessagePackCodec()).build();
        Message alias = Message.builder("points").payload(new MessagePackCodec().encode(p))
                .contentType("application/x-msgpack").build();

        assertThat(codecs.decode(json, Point.class)).isEqualTo(p);
        assertThat(codecs.decode(msgpack, Point.class)).isEqualTo(p);
        assertThat(codecs.decode(alias, Point.class)).isEqualTo(p);
    }

    @Test
    void returnsRawBytesOnlyAsByteArray() {
        Message raw = Message.builder("raw").id("m-1").payload(new byte[] {1, 2, 3}).build();

        assertThat(codecs.decode(raw, byte[].class)).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> codecs.decode(raw, String.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage("Message m-1 on topic raw has content type application/octet-stream: its payload is "
                        + "raw bytes and can only be read as byte[], not as java.lang.String. Read it with "
                        + "Message.payload(), or have the producer publish it with a codec such as json or msgpack.");
    }

    @Test
    void returnsTextAsStringInItsCharset() {
        Message utf8 = Message.builder("text").text("Grüße").build();
        Message latin1 = Message.builder("text").payload("Grüße".getBytes(StandardCharsets.ISO_8859_1))
                .contentType("text/plain; charset=\"ISO-8859-1\"").build();

        assertThat(codecs.decode(utf8, String.class)).isEqualTo("Grüße");
        assertThat(codecs.decode(utf8, byte[].class)).isEqualTo("Grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(codecs.decode(latin1, String.class)).isEqualTo("Grüße");
        assertThatThrownBy(() -> codecs.decode(utf8, Point.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageContaining("its payload is text and can only be read as String or byte[], not as "
                        + Point.class.getTypeName());
    }

    @Test
    void rejectsAnUnsupportedCharset() {
        Message m = Message.builder("text").id("m-2").payload(new byte[] {65})
                .contentType("text/plain; charset=klingon-8").build();

        assertThatThrownBy(() -> codecs.decode(m, String.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage("Message m-2 on topic text has content type text/plain; charset=klingon-8 whose "
                        + "charset 'klingon-8' this JVM does not support. Publish text as UTF-8.");
    }

    @Test
    void rejectsAnUnknownContentTypeSayingWhatToDo() {
        Message m = Message.builder("xml").id("m-3").payload("<a/>".getBytes(StandardCharsets.UTF_8))
                .contentType("application/xml").build();

        assertThatThrownBy(() -> codecs.decode(m, Map.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessage("Message m-3 on topic xml has content type 'application/xml', which no codec handles "
                        + "(known: application/json (json), application/msgpack (msgpack), application/octet-stream "
                        + "as byte[], text/plain as String). Register a codec for it with Codecs.with(...), or read "
                        + "the raw bytes with Message.payload().");
    }

    @Test
    void prefixesCodecFailuresWithTheMessage() {
        Message m = Message.builder("points").id("m-4").payload("{".getBytes(StandardCharsets.UTF_8))
                .contentType("application/json").build();

        assertThatThrownBy(() -> codecs.decode(m, Point.class))
                .isInstanceOf(PayloadDecodingException.class)
                .hasMessageStartingWith("Message m-4 on topic points: Cannot decode a payload of 1 bytes "
                        + "(content type application/json) as " + Point.class.getTypeName() + ": ")
                .hasCauseInstanceOf(PayloadDecodingException.class);
    }
}

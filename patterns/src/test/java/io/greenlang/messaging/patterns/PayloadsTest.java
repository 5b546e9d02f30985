package io.greenlang.messaging.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;

class PayloadsTest {
    @Test
    @DisplayName("bodies: a Message is copied, null is empty, anything else goes through the codec")
    void bodies() {
        Message source = Message.builder("t").payload(new byte[] {1, 2}).contentType("application/x-thing")
                .header("h", "v").build();
        Message copied = Payloads.withBody(Message.builder("other"), source, FakeBroker.TEXT).build();
        assertThat(copied.payload()).containsExactly(1, 2);
        assertThat(copied.contentType()).isEqualTo("application/x-thing");
        assertThat(copied.headers()).containsEntry("h", "v");
        assertThat(Payloads.withBody(Message.builder("t"), null, FakeBroker.TEXT).build().payloadSize()).isZero();
        Message encoded = Payloads.withBody(Message.builder("t"), 42, FakeBroker.TEXT).build();
        assertThat(encoded.payloadAsString()).isEqualTo("42");
        assertThat(encoded.contentType()).isEqualTo("text/plain");
    }

    @Test
    @DisplayName("decoding: the codec for its content type (parameters ignored), bytes and text otherwise")
    void decoding() {
        Message json = Message.builder("t").payload("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .contentType("application/json").build();
        Message text = Message.builder("t").text("hello").build();
        assertThat(Payloads.decode(text, String.class, FakeBroker.TEXT)).isEqualTo("hello");
        assertThat(Payloads.decode(json, byte[].class, FakeBroker.TEXT)).containsExactly('{', '}');
        assertThat(Payloads.decode(json, Message.class, FakeBroker.TEXT)).isSameAs(json);
        assertThatThrownBy(() -> Payloads.decode(json, Integer.class, FakeBroker.TEXT))
                .isInstanceOf(PayloadDecodingException.class).hasMessageContaining("application/json")
                .hasMessageContaining("text/plain");
    }
}

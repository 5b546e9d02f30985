package io.greenlang.messaging.spi.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.provenance.Provenance;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvelopeSizeTest {
    private static final Codecs CODECS = Codecs.standard();

    private static List<Message> samples() {
        String euros = "€".repeat(1000);
        return List.of(
                Message.builder("t").build(),
                Message.builder("t").id(UUID.randomUUID().toString()).text("hello").build(),
                Message.builder("esg.tasks").id("not-a-uuid").payload(new byte[300])
                        .contentType("application/json; charset=utf-8").header("tenant", "acme")
                        .header("trace-ïd", "ünïcode \uD83D\uDE00").header("empty", "").priority(9)
                        .expiresAt(Instant.now().plusSeconds(60)).correlationId("corr-1").replyTo("esg.replies")
                        .key("site-42").build(),
                Message.builder("t").header("h", euros).build(),
                Message.builder("t").header("h", "x".repeat(200)).key("k€y").build(),
                Message.builder("t").payload(new byte[20_000]).header(euros, "\uD83C\uDF0D".repeat(100)).build());
    }

    @Test
    void countsExactlyTheBytesOfTheEnvelopeWithItsHash() {
        for (Message m : samples()) {
            Message stamped = Provenance.stamp(m, CODECS);
            assertThat(EnvelopeSize.of(m)).as("%s", m).isEqualTo(WireFormat.encode(stamped).length);
            assertThat(EnvelopeSize.of(stamped)).isEqualTo(WireFormat.encode(stamped).length);
        }
    }

    @Test
    void theQuickBoundIsNeverBelowTheExactCount() {
        for (Message m : samples()) {
            assertThat(EnvelopeSize.atMost(m)).as("%s", m).isGreaterThanOrEqualTo(EnvelopeSize.of(m));
        }
    }

    @Test
    void countsUtf8BytesNotCharacters() {
        Message euros = Message.builder("t").header("h", "€".repeat(400_000)).build();
        assertThat(EnvelopeSize.of(euros)).isGreaterThan(1_200_000);
        assertThat(EnvelopeSize.fits(euros, 1024 * 1024)).isFalse();
        assertThat(EnvelopeSize.utf8Length("a€\uD83C\uDF0Dé"))
                .isEqualTo("a€\uD83C\uDF0Dé".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void fitsCountsExactlyNearTheLimit() {
        Message m = Message.builder("t").header("h", "€".repeat(1000)).build();
        long exact = EnvelopeSize.of(m);
        assertThat(EnvelopeSize.atMost(m)).isGreaterThan(exact); // so the limit below is decided by the exact count
        assertThat(EnvelopeSize.fits(m, exact)).isTrue();
        assertThat(EnvelopeSize.fits(m, exact - 1)).isFalse();
    }
}

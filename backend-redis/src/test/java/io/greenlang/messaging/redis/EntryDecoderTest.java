package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.StreamMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stream entries as a member fetches them, turned into handles without a server. */
class EntryDecoderTest {
    private static final int RETRY = GroupMembership.RETRY;
    private final Keys keys = new Keys("glm");
    private final List<Handle> acknowledged = new ArrayList<>();
    private final EntryDecoder decoder = new EntryDecoder("orders",
            s -> s == RETRY ? keys.retry("orders", "g") : keys.band("orders", s), acknowledged::add);
    private final Message message = Message.builder("orders").text("hello").priority(8).build();

    private static StreamMessage<byte[], byte[]> entry(String id, String... fieldsAndValues) {
        Map<byte[], byte[]> body = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            body.put(Fields.bytes(fieldsAndValues[i]), Fields.bytes(fieldsAndValues[i + 1]));
        }
        return new StreamMessage<>(new byte[0], id, body);
    }

    private StreamMessage<byte[], byte[]> withEnvelope(String id, String... moreFields) {
        StreamMessage<byte[], byte[]> m = entry(id, moreFields);
        Map<byte[], byte[]> body = new LinkedHashMap<>();
        body.put(Fields.bytes(Fields.MESSAGE), WireFormat.encode(message));
        body.putAll(m.getBody());
        return new StreamMessage<>(new byte[0], id, body);
    }

    @Test
    void aBandEntryIsItsMessageAtItsOwnPositionWithAnAttemptPerEarlierHandOver() {
        Handle h = decoder.decode(PriorityBands.HIGH, withEnvelope("1718000000000-4"), 3);

        assertThat(h.message.id()).isEqualTo(message.id());
        assertThat(h.decodeError).isNull();
        assertThat(h.position.value()).isEqualTo("2:1718000000000-4");
        assertThat(h.attempt).as("1 plus the two hand-overs the delivery count 3 records").isEqualTo(3);
        assertThat(h.deliveries).isEqualTo(3);
        assertThat(h.firstFailure).isNull();
        assertThat(h.key).isEqualTo("2:1718000000000-4");
        assertThat(h.age).isEqualTo(1_718_000_000_000L);
        assertThat(h.band()).isEqualTo(PriorityBands.HIGH);
        assertThat(acknowledged).isEmpty();
    }

    @Test
    void aRetryEntryKeepsItsOriginalPositionAttemptAndFirstFailure() {
        Instant first = Instant.ofEpochSecond(1_718_000_000L, 123_456_789);
        Handle h = decoder.decode(RETRY, withEnvelope("1718000009999-0", Fields.ATTEMPT, "4", Fields.POSITION,
                "1:1718000000000-7", Fields.FIRST_FAILURE, Fields.instant(first)), 2);

        assertThat(h.message.id()).isEqualTo(message.id());
        assertThat(h.position.value()).isEqualTo("1:1718000000000-7");
        assertThat(h.attempt).as("base attempt 4 plus one hand-over").isEqualTo(5);
        assertThat(h.firstFailure).isEqualTo(first);
        assertThat(h.age).as("the time of the original entry").isEqualTo(1_718_000_000_000L);
        assertThat(h.band()).as("its message's band, not the retry stream's").isEqualTo(PriorityBands.HIGH);
    }

    @Test
    void aReplayedEntryWithoutPositionOrFirstFailureIsAFirstAttemptAtARetryPosition() {
        Handle h = decoder.decode(RETRY, withEnvelope("1718000009999-0", Fields.ATTEMPT, "1", Fields.POSITION, "",
                Fields.FIRST_FAILURE, ""), 1);

        assertThat(h.position.value()).isEqualTo("retry:1718000009999-0");
        assertThat(h.attempt).isEqualTo(1);
        assertThat(h.firstFailure).isNull();
        assertThat(h.age).as("the retry entry's own time").isEqualTo(1_718_000_009_999L);
    }

    @Test
    void anEntryDeletedWhilePendingIsAcknowledgedInsteadOfHandedOut() {
        Handle h = decoder.decode(PriorityBands.LOW, entry("1718000000000-1"), 1);

        assertThat(h).isNull();
        assertThat(acknowledged).singleElement().satisfies(a -> {
            assertThat(a.stream).isEqualTo(PriorityBands.LOW);
            assertThat(a.id).isEqualTo("1718000000000-1");
        });
    }

    @Test
    void anEntryAnotherClientWroteIsUndecodableWithItsFieldsAsRawBytes() {
        Handle h = decoder.decode(PriorityBands.DEFAULT, entry("1718000000000-2", "x", "1", "y", "2"), 1);

        assertThat(h.message).isNull();
        assertThat(new String(h.raw, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("x=1\ny=2");
        assertThat(h.decodeError).isEqualTo("stream entry 1718000000000-2 of glm:{orders}:b1 has no field 'm' "
                + "(its fields: x, y); it was not written by GreenLang Messaging");
        assertThat(h.band()).as("its stream's band").isEqualTo(PriorityBands.DEFAULT);
    }

    @Test
    void aCorruptedEnvelopeIsUndecodableWithTheDecodersReason() {
        Handle h = decoder.decode(PriorityBands.LOW, entry("1718000000000-3", Fields.MESSAGE, "not an envelope"), 1);

        assertThat(h.message).isNull();
        assertThat(h.raw).isEqualTo(Fields.bytes("not an envelope"));
        assertThat(h.decodeError).startsWith("stream entry 1718000000000-3 of glm:{orders}:b0: ");
    }

    @Test
    void aRetryEntryWithAnInvalidAttemptIsUndecodableAndServedFromTheLowestBand() {
        Handle h = decoder.decode(RETRY, withEnvelope("1718000009999-0", Fields.ATTEMPT, "many"), 1);

        assertThat(h.message).as("not decoded once a field is invalid").isNull();
        assertThat(h.decodeError).startsWith("retry entry 1718000009999-0 of glm:{orders}:retry:g has an invalid "
                + "attempt or first-failure field: ");
        assertThat(h.attempt).isEqualTo(1);
        assertThat(h.band()).isZero();
    }
}

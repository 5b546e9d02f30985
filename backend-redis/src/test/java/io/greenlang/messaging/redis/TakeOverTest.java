package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.redis.TakeOver.Claimed;
import io.lettuce.core.StreamMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reply of script CLAIM, as Lettuce hands it over: byte arrays, lists and longs. */
class TakeOverTest {
    private static final byte[] STREAM = Fields.bytes("glm:{orders}:b1");

    @Test
    void readsTheCursorAndEachClaimedEntryWithItsFieldsAndDeliveryCount() {
        List<Object> reply = List.of(Fields.bytes("(1718000000000-9"), List.of(
                List.of(Fields.bytes("1718000000000-1"), List.of(Fields.bytes("m"), Fields.bytes("env"),
                        Fields.bytes("x"), Fields.bytes("y")), 3L),
                List.of(Fields.bytes("1718000000000-2"), List.of(), 1L)));

        Claimed claimed = Claimed.of(STREAM, reply);

        assertThat(claimed.next()).isEqualTo("(1718000000000-9");
        assertThat(claimed.deliveries()).containsExactly(3L, 1L);
        assertThat(claimed.entries()).hasSize(2);
        StreamMessage<byte[], byte[]> first = claimed.entries().get(0);
        assertThat(first.getStream()).isSameAs(STREAM);
        assertThat(first.getId()).isEqualTo("1718000000000-1");
        assertThat(first.getBody()).hasSize(2);
        assertThat(Fields.getString(first.getBody(), "m")).isEqualTo("env");
        assertThat(Fields.getString(first.getBody(), "x")).isEqualTo("y");
        assertThat(List.copyOf(first.getBody().keySet())).extracting(Keys::string).containsExactly("m", "x");
        assertThat(claimed.entries().get(1).getBody()).as("deleted meanwhile: no fields").isEqualTo(Map.of());
    }

    @Test
    void anEmptyCursorMeansTheScanIsComplete() {
        Claimed claimed = Claimed.of(STREAM, List.of(new byte[0], List.of()));

        assertThat(claimed.next()).isEmpty();
        assertThat(claimed.entries()).isEmpty();
        assertThat(claimed.deliveries()).isEmpty();
    }
}

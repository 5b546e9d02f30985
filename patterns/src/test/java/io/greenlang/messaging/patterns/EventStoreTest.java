package io.greenlang.messaging.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capabilities;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.UnsupportedCapabilityException;

/** What the event store decides before any I/O; the rest is in the TCK's PatternsContractTest. */
class EventStoreTest {
    @Test
    @DisplayName("where the backend cannot append conditionally, an expected version fails naming the capability")
    void conditionalAppendUnsupported() {
        FakeBroker fake = new FakeBroker(Capabilities.builder()
                .unsupported(Capability.CONDITIONAL_APPEND, "the log has no atomic compare-and-append").build());
        EventStore store = EventStore.create(fake.broker);
        assertThat(store.supportsExpectedVersion()).isFalse();
        assertThatThrownBy(() -> store.append("account-1", "deposited", 0))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                    assertThat(e.capability()).isEqualTo(Capability.CONDITIONAL_APPEND);
                    assertThat(e.getMessage()).contains("CONDITIONAL_APPEND").contains("fake://")
                            .contains("no atomic compare-and-append");
                });
        assertThat(fake.io).as("calls that reach the broker").isEmpty();
    }

    @Test
    @DisplayName("where the backend cannot read from a position, reading fails naming the capability")
    void readUnsupported() {
        FakeBroker fake = new FakeBroker(Capabilities.builder()
                .unsupported(Capability.READ_FROM_POSITION, "no range reads").build());
        EventStore store = EventStore.create(fake.broker);
        assertThatThrownBy(() -> store.readAll("s")).isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                e -> assertThat(e.capability()).isEqualTo(Capability.READ_FROM_POSITION));
        assertThat(fake.io).isEmpty();
    }

    @Test
    @DisplayName("streams map to topics with the prefix; bad names and versions fail before any I/O")
    void namesAndVersions() {
        FakeBroker fake = new FakeBroker(Capabilities.builder().build());
        EventStore store = EventStore.create(fake.broker, "es.");
        assertThat(store.topic("order-42")).isEqualTo("es.order-42");
        assertThat(EventStore.create(fake.broker).topic("x")).isEqualTo("events.x");
        assertThatThrownBy(() -> store.topic("order 42")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventStore.create(fake.broker, "bad prefix")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append("s", "e", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expectedVersion");
        assertThatThrownBy(() -> store.append("s", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.read("s", Checkpoint.START, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(fake.io).isEmpty();
    }
}

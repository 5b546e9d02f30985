package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageTooLargeException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * The kit's {@code validation} group: bad input fails fast, before any I/O.
 * {@link BrokerContractTest} runs it as its nested class {@code Validation}, so a failure reads
 * {@code Validation.required_...}; run this group alone with {@code -Dgroups=validation}.
 */
public abstract class ValidationContract extends BrokerFeature {
    ValidationContract(BrokerContractTest kit) {
        super(kit);
    }

    private final List<String> badNames = List.of("has space", "", "x".repeat(250), "a/b", "ümlaut", "a:b");

    /**
     * Topic and group names outside {@code [A-Za-z0-9._-]{1,249}} fail with IllegalArgumentException in
     * {@code Message.builder}, {@code SubscriptionOptions.builder}, {@code subscribe}, {@code read},
     * {@code deadLetters} and {@code lag}; a 249-character name is accepted. If it fails, check that the
     * backend validates with {@code Names} before talking to the server.
     */
    @Test
    void required_badTopicAndGroupNamesAreRejected() {
        String topic = topic("names");
        String group = group("names");
        for (String bad : badNames) {
            assertThatThrownBy(() -> Message.builder(bad)).as("Message.builder(\"%s\")", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SubscriptionOptions.builder(bad, group))
                    .as("SubscriptionOptions.builder(\"%s\", group)", bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SubscriptionOptions.builder(topic, bad))
                    .as("SubscriptionOptions.builder(topic, \"%s\")", bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> broker().subscribe(bad, group, new Recorder())).as("subscribe(\"%s\", ...)", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> broker().publish(bad, "body")).as("publish(\"%s\", body)", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            if (supports(Capability.READ_FROM_POSITION)) {
                assertThatThrownBy(() -> broker().read(bad, Position.beginning(), 10)).as("read(\"%s\", ...)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            if (supports(Capability.DEAD_LETTER_QUEUE)) {
                assertThatThrownBy(() -> broker().deadLetters(bad, group)).as("deadLetters(\"%s\", group)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> broker().deadLetters(topic, bad)).as("deadLetters(topic, \"%s\")", bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            if (supports(Capability.LAG)) {
                assertThatThrownBy(() -> broker().lag(bad, group)).as("lag(\"%s\", group)", bad)
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> broker().lag(topic, bad)).as("lag(topic, \"%s\")", bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        String longest = "tck-" + "x".repeat(245);
        assertThat(longest).hasSize(249);
        assertThatCode(() -> Message.builder(longest).build()).as("a 249-character topic name")
                .doesNotThrowAnyException();
        assertThatCode(() -> SubscriptionOptions.builder(longest, longest).build()).doesNotThrowAnyException();
        assertThat(broker().metrics().published()).as("messages published by the rejected calls").isZero();
    }

    /**
     * Null arguments fail with NullPointerException at once. If it fails, check the backend's entry points
     * for {@code Objects.requireNonNull} before any other work.
     */
    @Test
    void required_nullArgumentsAreRejected() {
        String topic = topic("nulls");
        String group = group("nulls");
        assertThatThrownBy(() -> Message.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SubscriptionOptions.builder(null, group)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SubscriptionOptions.builder(topic, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> broker().publish((Message) null)).as("publish(null)")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> broker().publishAsync(null)).as("publishAsync(null)")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> broker().publishAll(null)).as("publishAll(null)")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> broker().subscribe(null, new Recorder())).as("subscribe(null, handler)")
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> broker().subscribe(options(topic, group).build(), null))
                .as("subscribe(options, null)").isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> broker().verifyProvenance(null)).as("verifyProvenance(null)")
                .isInstanceOf(NullPointerException.class);
        if (supports(Capability.READ_FROM_POSITION)) {
            assertThatThrownBy(() -> broker().read(null, Position.beginning(), 1)).as("read(null, ...)")
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> broker().read(topic, null, 1)).as("read(topic, null, ...)")
                    .isInstanceOf(NullPointerException.class);
        }
        if (supports(Capability.DEAD_LETTER_QUEUE)) {
            assertThatThrownBy(() -> broker().deadLetters(null, group)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> broker().deadLetters(topic, null)).isInstanceOf(NullPointerException.class);
        }
        if (supports(Capability.LAG)) {
            assertThatThrownBy(() -> broker().lag(null, group)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> broker().lag(topic, null)).isInstanceOf(NullPointerException.class);
        }
    }

    /**
     * A broker asked for with an option it does not read ({@code max-mesage-size}, misspelt) is not created: the
     * {@code ConfigurationException} names the option and suggests {@code max-message-size}. If it fails, check that
     * the backend's provider lists exactly the options it reads in {@code BrokerProvider.options()}.
     */
    @Test
    void required_unknownOptionIsAnErrorThatSuggestsTheClosest() {
        assertThatThrownBy(() -> newBroker(Map.of("max-mesage-size", "2MiB")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Unknown option 'max-mesage-size'")
                .hasMessageContaining("did you mean 'max-message-size'?");
        assertThatCode(() -> newBroker(Map.of("max-message-size", "2MiB", "retention", "1h")))
                .as("the same broker with the options spelt right").doesNotThrowAnyException();
    }

    /**
     * A broker created with {@code max-message-size=1KiB} refuses a message with a 2 KiB payload with
     * {@code MessageTooLargeException} carrying the message's size (the bytes of its stored form: the payload and
     * a small envelope) and the limit (1024), at once from {@code publish} and {@code publishAsync}; nothing is
     * stored. If it fails, check that the size option is parsed and checked before sending.
     */
    @Test
    void required_oversizedMessageIsRefusedAndNothingIsStored() {
        String topic = topic("too-large");
        Broker small = newBroker(Map.of("max-message-size", "1KiB"));
        Recorder rec = new Recorder();
        subscribe(small, options(topic, group("too-large")).build(), rec);
        Message big = Message.builder(topic).payload(new byte[2048]).build();
        assertThatThrownBy(() -> small.publish(big)).isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
            assertThat(e.limit()).as("limit").isEqualTo(1024);
            assertThat(e.size()).as("size: the payload and a small envelope").isBetween(2048L, 2048L + 256);
        });
        assertThatThrownBy(() -> small.publishAsync(big)).as("publishAsync throws at once")
                .isInstanceOf(MessageTooLargeException.class);
        if (supports(Capability.READ_FROM_POSITION)) {
            assertThat(small.read(topic, Position.beginning(), 10)).as("the topic's log after the refusal").isEmpty();
        }
        String marker = publishMarkerAndAwait(small, topic, rec);
        assertThat(rec.ids()).containsExactly(marker);
        Message fits = Message.builder(topic).payload(new byte[512]).build();
        assertThatCode(() -> small.publish(fits)).as("a message under the limit").doesNotThrowAnyException();
    }

    /**
     * In {@code publishAll}, one oversized message refuses the whole batch: nothing of it is stored. If it
     * fails, check that the backend checks every message before sending any.
     */
    @Test
    void required_oversizedMessageRefusesTheWholeBatch() {
        assumeCapability(Capability.BATCH_PUBLISH);
        String topic = topic("too-large-batch");
        Broker small = newBroker(Map.of("max-message-size", "1KiB"));
        Recorder rec = new Recorder();
        subscribe(small, options(topic, group("too-large-batch")).build(), rec);
        List<Message> batch = List.of(text(topic, "small-1"), Message.builder(topic).payload(new byte[2048]).build(),
                text(topic, "small-2"));
        assertThatThrownBy(() -> small.publishAll(batch)).isInstanceOf(MessageTooLargeException.class);
        assertThatThrownBy(() -> small.publishAllAsync(batch)).as("publishAllAsync throws at once")
                .isInstanceOf(MessageTooLargeException.class);
        if (supports(Capability.READ_FROM_POSITION)) {
            assertThat(small.read(topic, Position.beginning(), 10)).as("the topic's log after the refusal").isEmpty();
        }
        String marker = publishMarkerAndAwait(small, topic, rec);
        assertThat(rec.ids()).containsExactly(marker);
    }

    /** The limit of the size scenarios: large enough for any backend's record overheads, small enough to be quick. */
    private static final int SIZE_LIMIT = 64 * 1024;

    /**
     * The size limit counts bytes as stored (UTF-8), not characters: with {@code max-message-size=64KiB}, a message
     * whose header holds 30,000 '€' (30,000 characters, 90,000 bytes) is refused with
     * {@code MessageTooLargeException} at once, with a size above 90,000 and a message that names the option
     * {@code max-message-size}; nothing is stored and the group gets only the marker published after it. If it
     * fails, check that the size is measured on the encoded (UTF-8) form, not with {@code String.length()}.
     */
    @Test
    void required_sizeLimitCountsUtf8BytesNotCharacters() {
        String topic = topic("utf8-size");
        Broker small = newBroker(Map.of("max-message-size", "64KiB"));
        Recorder rec = new Recorder();
        subscribe(small, options(topic, group("utf8-size")).build(), rec);
        Message euros = Message.builder(topic).header("h", "€".repeat(30_000)).build();
        assertThat(euros.approximateSize()).as("its size in characters").isLessThan(SIZE_LIMIT);
        assertThatThrownBy(() -> small.publish(euros)).isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
            assertThat(e.size()).as("size in bytes").isGreaterThan(90_000);
            assertThat(e.limit()).as("limit").isEqualTo(SIZE_LIMIT);
            assertThat(e.getMessage()).as("the message names the option to raise").contains("max-message-size");
        });
        assertThatThrownBy(() -> small.publishAsync(euros)).as("publishAsync throws at once")
                .isInstanceOf(MessageTooLargeException.class);
        if (supports(Capability.BATCH_PUBLISH)) {
            assertThatThrownBy(() -> small.publishAll(List.of(text(topic, "small"), euros)))
                    .isInstanceOf(MessageTooLargeException.class);
        }
        if (supports(Capability.READ_FROM_POSITION)) {
            assertThat(small.read(topic, Position.beginning(), 10)).as("the topic's log after the refusal").isEmpty();
        }
        String marker = publishMarkerAndAwait(small, topic, rec);
        assertThat(rec.ids()).as("deliveries: only the marker").containsExactly(marker);
        assertThat(small.metrics().published()).as("messages published: only the marker").isEqualTo(1);
    }

    /**
     * The limit is exact in bytes, whatever the characters: with {@code max-message-size=64KiB}, a message whose
     * fields take 64 KiB less 200 bytes in UTF-8 (a payload, and a header of '€', 3 bytes each, and an emoji, 4
     * bytes) is accepted and delivered intact (equal to what was published, hash aside); the same message with 100
     * more bytes of header is refused. The envelope adds about 60 bytes besides the topic and id, so the first is
     * under the limit and the second over it. If the first fails, the backend refuses or damages a message under
     * the limit (check the client's and the server's record size limits); if the second fails, the limit counts
     * characters.
     */
    @Test
    void required_messageJustUnderTheLimitInBytesIsDeliveredIntact() {
        String topic = topic("utf8-fits");
        Broker small = newBroker(Map.of("max-message-size", "64KiB"));
        Recorder rec = new Recorder();
        subscribe(small, options(topic, group("utf8-fits")).build(), rec);
        byte[] payload = new byte[16 * 1024];
        new java.util.Random(7).nextBytes(payload);
        String id = java.util.UUID.randomUUID().toString();
        int fixed = utf8(id) + utf8(topic) + payload.length + utf8("h") + utf8("\uD83C\uDF0D");
        int euros = (SIZE_LIMIT - 200 - fixed) / 3;
        Message fits = Message.builder(topic).id(id).payload(payload)
                .header("h", "€".repeat(euros) + "\uD83C\uDF0D").build();
        Message over = fits.mutate().id(java.util.UUID.randomUUID().toString())
                .header("h", "€".repeat(euros + 100) + "\uD83C\uDF0D").build();
        assertThat(over.approximateSize()).as("the larger one in characters").isLessThan(SIZE_LIMIT);

        assertThatThrownBy(() -> small.publish(over)).as("100 bytes more").isInstanceOf(MessageTooLargeException.class);
        assertThatCode(() -> small.publish(fits)).as("a message 200 bytes under the limit in UTF-8")
                .doesNotThrowAnyException();
        timeouts().await("the message under the limit to be delivered").until(() -> rec.has(fits.id()));
        Message got = rec.first(fits.id()).message();
        assertThat(withoutHash(got)).as("the delivered message").isEqualTo(withoutHash(fits));
        assertThat(got.header("h")).isEqualTo(fits.header("h"));
        assertThat(got.payload()).isEqualTo(payload);
        String marker = publishMarkerAndAwait(small, topic, rec);
        assertThat(rec.ids()).containsExactly(fits.id(), marker);
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}

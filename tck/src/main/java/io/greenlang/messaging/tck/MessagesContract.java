package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code messages} group: messages arrive intact: every field, any codec.
 * {@link BrokerContractTest} runs it as its nested class {@code Messages}, so a failure reads
 * {@code Messages.required_...}; run this group alone with {@code -Dgroups=messages}.
 */
public abstract class MessagesContract extends BrokerFeature {
    MessagesContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * Every field the publisher set reaches the handler unchanged: id, topic, payload bytes (all 256 byte
     * values), content type, headers (unicode and empty values), priority, correlation id, reply-to, key,
     * creation and expiry instants (to the microsecond); the broker adds only the provenance hash. The
     * delivery reports attempt 1, the group, the member's name and the position the publish returned.
     *
     * <p>If it fails, check the backend's envelope: that every field is written and read back, that
     * instants keep their microseconds, that headers are not dropped or renamed, and that the position in
     * the {@code PublishResult} is the one deliveries carry.
     */
    @Test
    void required_deliversPayloadHeadersAndMetadataIntact() {
        String topic = topic("intact");
        String group = group("intact");
        Recorder rec = new Recorder();
        Subscription sub = subscribe(options(topic, group).build(), rec);

        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        Instant created = Instant.now().minusMillis(1500);
        Message published = Message.builder(topic)
                .payload(payload)
                .contentType("application/x-tck-binary")
                .header("tenant", "acme")
                .header("unicode", "Grüße, 世界 🌍")
                .header("empty", "")
                .header("with.punctuation-and_space", "a b=c;d,e")
                .priority(7)
                .correlationId("corr-" + runId())
                .replyTo(topic("reply"))
                .key("site-42")
                .createdAt(created)
                .expiresAt(Instant.now().plus(Duration.ofHours(1)).plusNanos(987_000))
                .build();
        PublishResult result = broker().publish(published);
        assertThat(result.messageId()).as("PublishResult.messageId()").isEqualTo(published.id());
        assertThat(result.topic()).as("PublishResult.topic()").isEqualTo(topic);

        timeouts().await("the published message to reach the handler").until(() -> rec.size() >= 1);
        Recorder.Entry entry = rec.first();
        Message got = entry.message();
        assertThat(got.id()).as("id").isEqualTo(published.id());
        assertThat(got.topic()).as("topic").isEqualTo(topic);
        assertThat(got.payload()).as("payload bytes").isEqualTo(payload);
        assertThat(got.contentType()).as("content type").isEqualTo("application/x-tck-binary");
        assertThat(got.headers()).as("headers").isEqualTo(published.headers());
        assertThat(got.priority()).as("priority").isEqualTo(7);
        assertThat(got.correlationId()).as("correlation id").isEqualTo(published.correlationId());
        assertThat(got.replyTo()).as("reply-to").isEqualTo(published.replyTo());
        assertThat(got.key()).as("key").isEqualTo(Optional.of("site-42"));
        assertThat(got.createdAt()).as("createdAt, to the microsecond").isEqualTo(published.createdAt());
        assertThat(got.expiresAt()).as("expiresAt, to the microsecond").isEqualTo(published.expiresAt());
        assertIsHash(got.provenanceHash(), "the delivered message's provenance hash");
        assertThat(withoutHash(got)).as("the delivered message, apart from the stamped hash")
                .isEqualTo(published);

        assertThat(entry.attempt()).as("attempt of a first delivery").isEqualTo(1);
        assertThat(entry.delivery().group()).as("delivery.group()").isEqualTo(group);
        assertThat(entry.delivery().consumerName()).as("delivery.consumerName()").isEqualTo(sub.consumerName());
        assertThat(entry.delivery().position()).as("delivery.position() is where publish said it was stored")
                .isEqualTo(result.position());
    }

    /**
     * Objects encoded with the broker's default codec (JSON) decode with {@code delivery.body(Type)} into
     * equal objects: records nested in records, lists, maps, unicode and escapes, empty strings, lists and
     * maps, and {@code byte[]}. If it fails, check the JSON codec's configuration (records, unknown
     * properties, byte arrays) and that the payload bytes and content type are carried unchanged.
     */
    @Test
    void required_roundTripsJsonBodies() {
        assertThat(broker().codec().name()).as("the default codec's name").isEqualTo("json");
        roundTrip(broker());
    }

    /**
     * The same round trips as {@link #required_roundTripsJsonBodies()} through a broker created with
     * {@code codec=msgpack}. If it fails, check that the option selects the MessagePack codec, that its
     * content type differs from JSON's, and that records, nested maps and binary values survive it.
     */
    @Test
    void required_roundTripsMessagePackBodies() {
        Broker msgpack = newBroker(Map.of("codec", "msgpack"));
        assertThat(msgpack.codec().name()).as("codec name of a broker created with codec=msgpack")
                .isEqualTo("msgpack");
        assertThat(msgpack.codec().contentType()).as("MessagePack's content type differs from JSON's")
                .isNotEqualTo(broker().codec().contentType());
        roundTrip(msgpack);
    }

    /**
     * A consumer decodes a MessagePack message correctly although its own broker's default codec is JSON:
     * the content type travels with the message and {@code body(Type)} picks the codec from it. If it
     * fails, check that {@code Delivery.body} looks at the message's content type, not at the broker's
     * default codec.
     */
    @Test
    void required_decodesByTheMessagesContentTypeNotTheConsumersCodec() {
        String topic = topic("cross-codec");
        Broker msgpack = newBroker(Map.of("codec", "msgpack"));
        Recorder rec = new Recorder();
        subscribe(broker(), options(topic, group("cross-codec")).build(), rec);

        Site site = sampleSite();
        Message published = Message.builder(topic).body(site, msgpack.codec()).build();
        msgpack.publish(published);
        Message asJson = Message.builder(topic).body(site, broker().codec()).build();
        msgpack.publish(asJson);

        timeouts().await("both messages to reach the JSON consumer").until(() -> rec.distinct() == 2);
        Recorder.Entry viaMsgpack = rec.first(published.id());
        assertThat(viaMsgpack.message().contentType()).isEqualTo(msgpack.codec().contentType());
        assertThat(viaMsgpack.delivery().body(Site.class)).as("a MessagePack body decoded by a JSON consumer")
                .isEqualTo(site);
        assertThat(rec.first(asJson.id()).delivery().body(Site.class)).as("a JSON body published through a "
                + "MessagePack broker").isEqualTo(site);
    }

    /**
     * Raw payloads pass through untouched: an empty payload with the default content type
     * ({@value Message#OCTET_STREAM}), a text payload, and bytes that are not valid UTF-8. If it fails,
     * check that the backend does not treat payloads as strings or drop empty ones.
     */
    @Test
    void required_carriesRawEmptyAndTextPayloads() {
        String topic = topic("raw");
        Recorder rec = new Recorder();
        subscribe(options(topic, group("raw")).build(), rec);
        Message empty = Message.builder(topic).build();
        Message text = Message.builder(topic).text("héllo wörld ✓").build();
        Message invalidUtf8 = Message.builder(topic).payload(new byte[] {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF})
                .build();
        publishEach(broker(), List.of(empty, text, invalidUtf8));

        timeouts().await("three messages").until(() -> rec.distinct() == 3);
        Message gotEmpty = rec.first(empty.id()).message();
        assertThat(gotEmpty.payloadSize()).as("empty payload").isZero();
        assertThat(gotEmpty.contentType()).isEqualTo(Message.OCTET_STREAM);
        Message gotText = rec.first(text.id()).message();
        assertThat(gotText.payloadAsString()).isEqualTo("héllo wörld ✓");
        assertThat(gotText.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(rec.first(invalidUtf8.id()).message().payload()).as("bytes that are not UTF-8")
                .containsExactly((byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF);
    }

    private void roundTrip(Broker b) {
        String topic = topic("codec-" + b.codec().name());
        Recorder rec = new Recorder();
        subscribe(b, options(topic, group("codec")).build(), rec);
        Codec codec = b.codec();

        Map<String, Object> nestedMap = new LinkedHashMap<>();
        nestedMap.put("name", "Ωmega ✓");
        nestedMap.put("flags", List.of(true, false));
        nestedMap.put("inner", Map.of("list", List.of("x", "y"), "empty", Map.of()));
        nestedMap.put("none", null);
        byte[] binary = {0, 1, 127, -128, -1, 10, 13};

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Class<?>> types = new HashMap<>();
        List<Message> messages = new ArrayList<>();
        for (Object[] value : new Object[][] {
                {sampleSite(), Site.class},
                {nestedMap, Map.class},
                {"", String.class},
                {"ユニコード 🎉 ünïcödé", String.class},
                {List.of(), List.class},
                {Map.of(), Map.class},
                {binary, byte[].class},
                {new byte[0], byte[].class}}) {
            Message m = Message.builder(topic).body(value[0], codec).build();
            assertThat(m.contentType()).isEqualTo(codec.contentType());
            messages.add(m);
            values.put(m.id(), value[0]);
            types.put(m.id(), (Class<?>) value[1]);
        }
        publishEach(b, messages);

        timeouts().await(messages.size() + " " + codec.name() + " messages").until(() -> rec.distinct() == messages.size());
        for (Message m : messages) {
            Recorder.Entry e = rec.first(m.id());
            assertThat(e.message().contentType()).as("content type of %s", m).isEqualTo(codec.contentType());
            Object decoded = e.delivery().body(types.get(m.id()));
            Object expected = values.get(m.id());
            if (expected instanceof byte[]) {
                assertThat((byte[]) decoded).as("byte[] through %s", codec.name()).isEqualTo((byte[]) expected);
            } else {
                assertThat(decoded).as("%s through %s", types.get(m.id()).getSimpleName(), codec.name())
                        .isEqualTo(expected);
            }
        }
    }
}

package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;

/**
 * The kit's {@code provenance} group: every message has a unique time-ordered id and a verifiable provenance hash.
 * {@link BrokerContractTest} runs it as its nested class {@code Provenance}, so a failure reads
 * {@code Provenance.required_...}; run this group alone with {@code -Dgroups=provenance}.
 */
public abstract class ProvenanceContract extends BrokerFeature {
    ProvenanceContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * Ids made by {@code Message.builder(..).build()} are strictly increasing as strings (10 000 in a row)
     * and delivered messages keep the ids they were published with. If it fails on the first part, the API's
     * id generator is broken; on the second, the backend replaces ids with its own.
     */
    @Test
    void required_idsAreUniqueTimeOrderedAndKept() {
        String topic = topic("ids");
        List<String> made = IntStream.range(0, 10_000).mapToObj(i -> Message.builder(topic).build().id()).toList();
        for (int i = 1; i < made.size(); i++) {
            if (made.get(i).compareTo(made.get(i - 1)) <= 0) {
                throw new AssertionError("Message ids must be strictly increasing as strings, but id " + i + " ("
                        + made.get(i) + ") does not sort after id " + (i - 1) + " (" + made.get(i - 1) + ")");
            }
        }

        Recorder rec = new Recorder();
        subscribe(options(topic, group("ids")).build(), rec);
        List<Message> published = texts(topic, "id", 50);
        List<PublishResult> results = publishEach(broker(), published);
        assertThat(results).extracting(PublishResult::messageId).as("ids in the publish results")
                .containsExactlyElementsOf(ids(published));
        timeouts().await("50 messages").until(() -> rec.distinct() == 50);
        assertThat(rec.distinctIds()).as("delivered ids").containsExactlyInAnyOrderElementsOf(ids(published));
    }

    /**
     * A delivered message carries a provenance hash that {@code verifyProvenance} accepts, on the consumer's
     * broker and on any other; an altered copy with the same hash, and a message without a hash, are
     * rejected. If it fails, check the canonical encoding: the broker must hash exactly the fields it then
     * carries, and verify with the same encoding.
     */
    @Test
    void required_deliveredMessagesVerify() {
        String topic = topic("verify");
        Recorder rec = new Recorder();
        subscribe(options(topic, group("verify")).build(), rec);
        Message published = Message.builder(topic).body(sampleSite(), broker().codec()).header("tenant", "acme")
                .priority(2).key("k").correlationId("c").ttl(Duration.ofHours(1)).build();
        broker().publish(published);
        timeouts().await("the message").until(() -> rec.size() >= 1);

        Message got = rec.first().message();
        assertIsHash(got.provenanceHash(), "delivered message");
        assertThat(broker().verifyProvenance(got)).as("verifyProvenance(delivered message)").isTrue();
        assertThat(newBroker(Map.of()).verifyProvenance(got)).as("verifyProvenance on another broker").isTrue();
        assertThat(broker().verifyProvenance(published)).as("verifyProvenance of a message without a hash")
                .isFalse();
        Message altered = got.mutate().header("tenant", "evil").provenanceHash(got.provenanceHash().orElseThrow())
                .build();
        assertThat(broker().verifyProvenance(altered)).as("verifyProvenance of a copy with a changed header")
                .isFalse();
        Message alteredPayload = got.mutate().payload("{}".getBytes(StandardCharsets.UTF_8))
                .provenanceHash(got.provenanceHash().orElseThrow()).build();
        assertThat(broker().verifyProvenance(alteredPayload)).as("verifyProvenance of a copy with another payload")
                .isFalse();
    }

    /**
     * The same logical message (same id, creation time, headers, priority, key, body value) published once
     * through a JSON broker and once through a MessagePack broker arrives with the same provenance hash:
     * the hash covers structured payloads by content, not by encoding. If it fails, check that the
     * canonical encoding normalises JSON and MessagePack payloads (and their content types) before hashing.
     */
    @Test
    void required_provenanceHashDoesNotDependOnTheCodec() {
        String topic = topic("hash-codec");
        Broker msgpack = newBroker(Map.of("codec", "msgpack"));
        Recorder rec = new Recorder();
        subscribe(options(topic, group("hash-codec")).build(), rec);

        String id = Message.builder(topic).build().id();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Site site = sampleSite();
        Message viaJson = Message.builder(topic).id(id).createdAt(created).body(site, broker().codec())
                .header("tenant", "acme").priority(6).key("k-1").correlationId("c-1").build();
        Message viaMsgpack = Message.builder(topic).id(id).createdAt(created).body(site, msgpack.codec())
                .header("tenant", "acme").priority(6).key("k-1").correlationId("c-1").build();
        broker().publish(viaJson);
        msgpack.publish(viaMsgpack);

        timeouts().await("both messages (they share one id)").until(() -> rec.size() >= 2);
        List<Recorder.Entry> entries = rec.entries(id);
        assertThat(entries).hasSize(2);
        Message a = entries.get(0).message();
        Message b = entries.get(1).message();
        assertThat(Set.of(a.contentType(), b.contentType())).as("one JSON and one MessagePack message")
                .containsExactlyInAnyOrder(broker().codec().contentType(), msgpack.codec().contentType());
        assertIsHash(a.provenanceHash(), "first");
        assertIsHash(b.provenanceHash(), "second");
        assertThat(a.provenanceHash()).as("hash of the JSON and the MessagePack copy").isEqualTo(b.provenanceHash());
        assertThat(broker().verifyProvenance(a)).isTrue();
        assertThat(broker().verifyProvenance(b)).isTrue();
    }

    /**
     * With {@code verifyProvenance(true)}, a message whose declared hash does not match its fields never
     * reaches the handler and is dead-lettered with reason TAMPERED. If it fails, check that the consumer
     * verifies before handing over, and that the broker keeps a declared hash instead of stamping its own.
     */
    @Test
    void required_tamperedMessageIsDeadLetteredWhenVerifying() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("tampered");
        String group = group("tampered");
        Recorder rec = new Recorder();
        subscribe(options(topic, group).verifyProvenance(true).build(), rec);
        Message tampered = Message.builder(topic).text("forged").provenanceHash("0".repeat(64)).build();
        broker().publish(tampered);

        DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.TAMPERED);
        assertThat(dl.message().id()).isEqualTo(tampered.id());
        assertThat(dl.group()).isEqualTo(group);
        String marker = publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.ids()).as("handed to the handler").containsExactly(marker);
    }

    /**
     * Without {@code verifyProvenance}, a message with a wrong declared hash is delivered like any other,
     * and keeps the declared hash (the broker stamps a hash only on messages without one). If it fails,
     * check that verification is off by default and that a declared hash is carried unchanged.
     */
    @Test
    void required_tamperedMessageIsDeliveredWhenNotVerifying() {
        String topic = topic("unverified");
        Recorder rec = new Recorder();
        subscribe(options(topic, group("unverified")).build(), rec);
        Message tampered = Message.builder(topic).text("forged").provenanceHash("0".repeat(64)).build();
        broker().publish(tampered);
        timeouts().await("the message").until(() -> rec.has(tampered.id()));
        Message got = rec.first().message();
        assertThat(got.provenanceHash()).as("declared hash").hasValue("0".repeat(64));
        assertThat(got).isEqualTo(tampered);
        assertThat(broker().verifyProvenance(got)).isFalse();
    }
}

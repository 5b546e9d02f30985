package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Codec;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.LatencySummary;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.MessageTooLargeException;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.NonRetryableException;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.VersionConflictException;

/**
 * The GreenLang Messaging contract as tests: every backend runs all of them. A backend's test class is a
 * few lines:
 * <pre>{@code
 * class MemoryBrokerTckTest extends BrokerContractTest {
 *     private final String name = "tck-" + UUID.randomUUID();
 *
 *     @Override
 *     protected Broker createBroker(Map<String, String> options) {
 *         return Brokers.connect("memory://" + name, options);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Reading a failure.</b> Tests are grouped in {@code @Nested} classes per feature, each tagged (for
 * example {@code priority}) so that one feature can be run alone with {@code mvn test -Dgroups=priority}.
 * Every test is named after the rule it checks ({@code required_...}) and its javadoc says what to look at
 * in the backend when it fails.
 *
 * <p><b>Capabilities.</b> A test that needs a {@link Capability} is skipped, with the backend's reason, only
 * when the backend declares it {@code UNSUPPORTED}; native and emulated capabilities run the same tests.
 *
 * <p><b>Time.</b> Every wait has a deadline from {@link TckTimeouts}, stretched on slow machines with
 * {@code -Dgreenlang.tck.timeout.factor=N}. Nothing sleeps: tests wait for conditions. To show that
 * something does <em>not</em> happen (a message not redelivered, not delivered to another group), a test
 * publishes a later marker message on the same path and waits for it; a single consumer with concurrency
 * 1 takes messages in order, so once the marker has arrived the absence is established. Only where no
 * marker can work (a lease that must hold) does a test watch a short quiet period.
 *
 * <p><b>Groups.</b> The kit assumes what {@link Broker#subscribe} promises: once it returns, the group
 * exists (at its start position), so a message published afterwards reaches the group. It creates a group
 * without live members by subscribing and closing.
 *
 * <p><b>Isolation.</b> Every test gets a fresh default broker ({@link #broker()}), unique topic and group
 * names, and its brokers and subscriptions are closed after it. Subscriptions get a short grace period and
 * fast retries ({@link #options(String, String)}), so the whole kit runs in well under two minutes on an
 * in-process backend.
 */
public abstract class BrokerContractTest extends BrokerTestSupport {
    /** Retries used unless a test says otherwise: 3 attempts, 100 ms apart then 200 ms, no jitter. */
    protected static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(100))
            .multiplier(2)
            .maxBackoff(Duration.ofSeconds(1))
            .jitter(0)
            .build();

    /** Clock-granularity allowance when comparing a backend's scheduled delays with System.nanoTime. */
    private static final Duration CLOCK_TOLERANCE = Duration.ofMillis(2);

    private static final String MARKER_HEADER = "tck-marker";
    private static final String SEQUENCE_HEADER = "tck-seq";

    // ---------------------------------------------------------------------------------------------------
    // Helpers for the tests (and for backends that add their own tests on top of the kit)
    // ---------------------------------------------------------------------------------------------------

    /** Subscription options with a short grace period and {@link #FAST_RETRIES}. */
    protected static SubscriptionOptions.Builder options(String topic, String group) {
        return SubscriptionOptions.builder(topic, group)
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .retryPolicy(FAST_RETRIES);
    }

    /** Subscribes on the default broker; the subscription is closed after the test. */
    protected final Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
        return subscribe(broker(), options, handler);
    }

    /** Subscribes on {@code on}; the subscription is closed after the test. */
    protected final Subscription subscribe(Broker on, SubscriptionOptions options, MessageHandler handler) {
        Subscription s = on.subscribe(options, handler);
        assertThat(s).as("subscribe(...) returned null").isNotNull();
        return track(s);
    }

    /**
     * Publishes a marker message to {@code topic} and waits until every recorder has handled it. Use it after
     * the messages under test: for a single consumer, once the marker has arrived, everything published
     * before it that was going to arrive has arrived.
     *
     * @return the marker's id
     */
    protected final String publishMarkerAndAwait(Broker publisher, String topic, Recorder... recorders) {
        Message marker = Message.builder(topic).text("marker").header(MARKER_HEADER, "true").build();
        publisher.publish(marker);
        timeouts().await("the marker message published after the messages under test to reach every consumer")
                .until(() -> {
                    for (Recorder r : recorders) {
                        if (!r.has(marker.id())) {
                            return false;
                        }
                    }
                    return true;
                });
        return marker.id();
    }

    /** Publishes a marker and waits until at least one of the recorders (members of one group) has it. */
    protected final String publishMarkerAndAwaitAny(Broker publisher, String topic, Recorder... members) {
        Message marker = Message.builder(topic).text("marker").header(MARKER_HEADER, "true").build();
        publisher.publish(marker);
        timeouts().await("the marker message to reach one member of the group").until(() -> {
            for (Recorder r : members) {
                if (r.has(marker.id())) {
                    return true;
                }
            }
            return false;
        });
        return marker.id();
    }

    /**
     * Waits until {@code count} reaches {@code target}, for at most {@link TckTimeouts#bulk()}; fails early,
     * saying where it got stuck, if the count does not move for {@link TckTimeouts#eventually()}.
     */
    protected final void awaitCount(String what, IntSupplier count, int target) {
        long stall = timeouts().eventually().toNanos();
        long[] last = {Long.MIN_VALUE, System.nanoTime()};
        timeouts().awaitBulk(what).until(() -> {
            int n = count.getAsInt();
            long now = System.nanoTime();
            if (n != last[0]) {
                last[0] = n;
                last[1] = now;
            } else if (n < target && now - last[1] > stall) {
                throw new AssertionError("Waiting for " + what + ": stuck at " + n + " of " + target + " for "
                        + timeouts().eventually().toMillis() + " ms. Messages were lost, or are no longer handed over.");
            }
            return n >= target;
        });
    }

    /** The message without the provenance hash a broker stamps: what the publisher built. */
    protected static Message withoutHash(Message m) {
        return m.mutate().build();
    }

    /** Keeps the calling handler busy for {@code d}, simulating work. */
    protected static void simulateWork(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static Message text(String topic, String text) {
        return Message.builder(topic).text(text).build();
    }

    private static List<Message> texts(String topic, String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> Message.builder(topic).text(prefix + "-" + i)
                .header(SEQUENCE_HEADER, Integer.toString(i)).build()).toList();
    }

    private static List<String> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    private static List<PublishResult> publishEach(Broker on, List<Message> messages) {
        List<PublishResult> results = new ArrayList<>();
        for (Message m : messages) {
            results.add(on.publish(m));
        }
        return results;
    }

    /** Creates the group (at LATEST) and leaves it without a live member. */
    private void createGroupWithoutMembers(String topic, String group) {
        Subscription s = subscribe(options(topic, group).build(), new Recorder());
        s.close();
        assertThat(s.isActive()).as("a closed subscription reports isActive() == false").isFalse();
    }

    private DeadLetter awaitSingleDeadLetter(DeadLetterQueue dlq) {
        timeouts().await("one dead letter in " + dlq.topic() + "/" + dlq.group())
                .untilAsserted(() -> assertThat(dlq.count()).isEqualTo(1));
        List<DeadLetter> list = dlq.list(10);
        assertThat(list).as("list() of a queue whose count() is 1").hasSize(1);
        return list.get(0);
    }

    private static void assertIsHash(Optional<String> hash, String what) {
        assertThat(hash).as(what + ": a broker stamps a SHA-256 provenance hash (64 lowercase hex digits) on "
                + "publish when the message has none").hasValueSatisfying(h -> assertThat(h).matches("[0-9a-f]{64}"));
    }

    /** A structured payload with nested records, lists, maps and unicode, for codec round trips. */
    public record Site(String name, int id, double co2Tonnes, boolean active, List<String> tags,
            Map<String, List<Integer>> readings, Address address, List<Address> neighbours) {
    }

    /** Nested in {@link Site}. */
    public record Address(String city, String country) {
    }

    static Site sampleSite() {
        Map<String, List<Integer>> readings = new LinkedHashMap<>();
        readings.put("2024-01", List.of(1, 2, 3));
        readings.put("empty", List.of());
        readings.put("négatif", List.of(-7, Integer.MAX_VALUE, Integer.MIN_VALUE));
        return new Site("Zürich Nord — 北京 🌱 \"quoted\" \\ \n tab\t", 42, 12.5, true, List.of("a", "", "ünï"),
                readings, new Address("Genève", "CH"), List.of(new Address("København", "DK"), new Address("", "")));
    }

    // ---------------------------------------------------------------------------------------------------
    // 1. Messages arrive intact
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("messages")
    @DisplayName("Messages arrive intact: every field, any codec")
    class Messages {
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

    // ---------------------------------------------------------------------------------------------------
    // 2. Ids and provenance
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("provenance")
    @DisplayName("Every message has a unique time-ordered id and a verifiable provenance hash")
    class Provenance {
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

    // ---------------------------------------------------------------------------------------------------
    // 3. Topics and publishing
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("publishing")
    @DisplayName("Topics are isolated and every published message arrives exactly once")
    class Publishing {
        /**
         * A group subscribed to one topic gets that topic's messages and no other's, even when another topic
         * has a group of the same name. If it fails, check how the backend derives its stream/partition keys
         * from topic names.
         */
        @Test
        void required_topicsAreIsolated() {
            String topicA = topic("iso-a");
            String topicB = topic("iso-b");
            String group = group("iso");
            Recorder recA = new Recorder();
            Recorder recB = new Recorder();
            subscribe(options(topicA, group).build(), recA);
            subscribe(options(topicB, group).build(), recB);
            List<Message> toA = texts(topicA, "a", 5);
            List<Message> toB = texts(topicB, "b", 3);
            publishEach(broker(), toA);
            publishEach(broker(), toB);
            String markerA = publishMarkerAndAwait(broker(), topicA, recA);
            String markerB = publishMarkerAndAwait(broker(), topicB, recB);
            List<String> expectedA = new ArrayList<>(ids(toA));
            expectedA.add(markerA);
            List<String> expectedB = new ArrayList<>(ids(toB));
            expectedB.add(markerB);
            assertThat(recA.ids()).as("topic A's consumer").containsExactlyInAnyOrderElementsOf(expectedA);
            assertThat(recB.ids()).as("topic B's consumer").containsExactlyInAnyOrderElementsOf(expectedB);
            assertThat(recA.entries()).allSatisfy(e -> assertThat(e.message().topic()).isEqualTo(topicA));
        }

        /**
         * {@code publishAll} of 1 000 messages returns one result per message, in order, and every message
         * arrives exactly once. If it fails, check the backend's batch path (pipelining, producer batches) for
         * lost or reordered results and dropped entries.
         */
        @Test
        void required_batchOfAThousandArrivesComplete() {
            assumeCapability(Capability.BATCH_PUBLISH);
            String topic = topic("batch");
            Recorder rec = new Recorder();
            subscribe(options(topic, group("batch")).concurrency(4).build(), rec);
            List<Message> batch = texts(topic, "batch", 1000);
            List<PublishResult> results = broker().publishAll(batch);
            assertThat(results).as("one result per message, in order").extracting(PublishResult::messageId)
                    .containsExactlyElementsOf(ids(batch));
            assertThat(results).extracting(PublishResult::position).doesNotHaveDuplicates();

            awaitCount("all 1000 messages of the batch", rec::distinct, 1000);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.distinctIds()).containsExactlyInAnyOrderElementsOf(concat(ids(batch), marker));
            assertExactlyOnce(rec, ids(batch), "the batch's messages");
        }

        /**
         * Eight threads publishing 1 000 messages each at the same time, with two groups whose handlers all
         * succeed: each group gets every one of the 8 000 messages exactly once. If it fails, check thread
         * safety of the publish path (shared connections, id or sequence generation) and of the consumer
         * runtime's bookkeeping (double hand-over, lost acks).
         */
        @Test
        void required_concurrentPublishersEveryMessageExactlyOncePerGroup() throws Exception {
            String topic = topic("concurrent");
            Recorder groupA = new Recorder();
            Recorder groupB = new Recorder();
            Subscription subA = subscribe(options(topic, group("concurrent-a")).concurrency(4).build(), groupA);
            Subscription subB = subscribe(options(topic, group("concurrent-b")).concurrency(4).build(), groupB);

            int threads = 8;
            int perThread = 1000;
            Set<String> published = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            Message m = Message.builder(topic).text("t" + thread + "-" + i).build();
                            broker().publish(m);
                            published.add(m.id());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(timeouts().bulk().toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(published).hasSize(threads * perThread);

            awaitCount("8000 messages in each of two groups", () -> groupA.distinct() + groupB.distinct(), 16_000);
            String marker = publishMarkerAndAwait(broker(), topic, groupA, groupB);
            subA.close();
            subB.close();
            for (Recorder r : List.of(groupA, groupB)) {
                assertThat(r.distinctIds()).containsExactlyInAnyOrderElementsOf(concat(published, marker));
                assertExactlyOnce(r, published, "messages from concurrent publishers");
                assertThat(r.size()).as("hand-overs in one group").isEqualTo(threads * perThread + 1);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 4 and 5. Groups
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("groups")
    @DisplayName("Every group gets every message; members of one group share them")
    class Groups {
        /**
         * Three groups on one topic each get every message once (pub-sub fan-out). If it fails, check that a
         * backend keeps one cursor (consumer group, offsets) per group.
         */
        @Test
        void required_everyGroupGetsEveryMessage() {
            assumeCapability(Capability.CONSUMER_GROUPS);
            String topic = topic("fanout");
            List<Recorder> recs = List.of(new Recorder(), new Recorder(), new Recorder());
            for (Recorder r : recs) {
                subscribe(options(topic, group("fanout")).build(), r);
            }
            List<Message> published = texts(topic, "fan", 20);
            publishEach(broker(), published);
            String marker = publishMarkerAndAwait(broker(), topic, recs.toArray(new Recorder[0]));
            for (Recorder r : recs) {
                assertThat(r.ids()).as("one group's hand-overs")
                        .containsExactlyInAnyOrderElementsOf(concat(ids(published), marker));
            }
        }

        /**
         * Inside one group with three live members each message goes to exactly one member (competing
         * consumers) and, with 300 messages, each member gets some. If it fails with duplicates, members do not
         * share the group's cursor; if a member gets none, the backend does not spread work (check prefetch
         * and fetch fairness).
         */
        @Test
        void required_eachMessageGoesToExactlyOneMemberOfAGroup() {
            assumeCapability(Capability.CONSUMER_GROUPS);
            String topic = topic("compete");
            String group = group("compete");
            List<Recorder> members = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Recorder r = new Recorder(d -> simulateWork(Duration.ofMillis(1)));
                members.add(r);
                subs.add(subscribe(options(topic, group).consumerName("member-" + i + "-" + runId()).maxInFlight(2)
                        .build(), r));
            }
            List<Message> published = texts(topic, "work", 300);
            publishEach(broker(), published);
            awaitCount("300 messages spread over three members",
                    () -> (int) members.stream().flatMap(r -> r.distinctIds().stream()).distinct().count(), 300);
            subs.forEach(Subscription::close);

            Map<String, Integer> total = new HashMap<>();
            for (Recorder r : members) {
                for (String id : r.ids()) {
                    total.merge(id, 1, Integer::sum);
                }
            }
            assertThat(total.keySet()).containsExactlyInAnyOrderElementsOf(ids(published));
            assertThat(total).as("hand-overs per message across the group's members").allSatisfy(
                    (id, count) -> assertThat(count).as("hand-overs of %s", id).isEqualTo(1));
            for (int i = 0; i < members.size(); i++) {
                assertThat(members.get(i).size()).as("messages member %d got out of 300", i).isPositive();
            }
        }

        /**
         * A new group that starts at LATEST (the default) does not get messages published before it was
         * created. If it fails, check where the backend positions a new group's cursor.
         */
        @Test
        void required_newGroupAtLatestMissesOlderMessages() {
            String topic = topic("latest");
            Message old = text(topic, "before the group");
            broker().publish(old);
            Recorder rec = new Recorder();
            subscribe(options(topic, group("latest")).build(), rec);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.ids()).as("hand-overs to a group created after the first message").containsExactly(marker);
        }

        /**
         * A new group that starts at EARLIEST gets the retained history, then new messages. If it fails, check
         * how {@code StartPosition.EARLIEST} maps to the backend's "from the beginning".
         */
        @Test
        void required_newGroupAtEarliestGetsRetainedHistory() {
            assumeCapability(Capability.START_FROM_EARLIEST);
            String topic = topic("earliest");
            List<Message> history = texts(topic, "history", 3);
            publishEach(broker(), history);
            Recorder rec = new Recorder();
            subscribe(options(topic, group("earliest")).startPosition(StartPosition.EARLIEST).build(), rec);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(concat(ids(history), marker));
        }

        /**
         * Messages published while a group exists but has no live member (subscribed once, then closed) wait
         * for it and are delivered when a member joins. If it fails, check that closing a subscription does not
         * delete the group or move its cursor to the end.
         */
        @Test
        void required_messagesWaitForAGroupWithoutLiveMembers() {
            String topic = topic("waiting");
            String group = group("waiting");
            createGroupWithoutMembers(topic, group);
            List<Message> waiting = texts(topic, "waiting", 5);
            publishEach(broker(), waiting);
            Recorder rec = new Recorder();
            subscribe(options(topic, group).build(), rec);
            timeouts().await("messages published while the group had no member").until(() -> rec.hasAll(ids(waiting)));
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(concat(ids(waiting), marker));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 6. Retries
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("retries")
    @DisplayName("Failed messages are retried after a backoff, then dead-lettered")
    class Retries {
        /**
         * A handler that throws gets the message again, with {@code attempt()} raised by one each time, and
         * never sooner than the backoff: with 300 ms initial backoff, multiplier 2 and no jitter, the second
         * attempt starts at least 300 ms after the first started and the third at least 600 ms after the
         * second. If it fails, check the retry scheduling (that it waits from the failure, and applies the
         * multiplier) and the attempt counter carried with redeliveries.
         */
        @Test
        void required_failedMessageIsRetriedAfterBackoffWithRaisedAttempt() {
            assumeCapability(Capability.RETRY_WITH_BACKOFF);
            String topic = topic("retry");
            RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(300))
                    .multiplier(2).maxBackoff(Duration.ofSeconds(5)).jitter(0).build();
            Recorder rec = new Recorder(d -> {
                throw new IllegalStateException("boom " + d.attempt());
            });
            subscribe(options(topic, group("retry")).retryPolicy(policy).build(), rec);
            Message m = text(topic, "fails");
            broker().publish(m);

            timeouts().await("three attempts").until(() -> rec.count(m.id()) >= 3);
            List<Recorder.Entry> attempts = rec.entries(m.id());
            assertThat(attempts).extracting(Recorder.Entry::attempt).as("attempt() of successive hand-overs")
                    .startsWith(1, 2, 3);
            Duration firstGap = Duration.ofNanos(attempts.get(1).nanoTime() - attempts.get(0).nanoTime());
            Duration secondGap = Duration.ofNanos(attempts.get(2).nanoTime() - attempts.get(1).nanoTime());
            assertThat(firstGap.plus(CLOCK_TOLERANCE)).as("time between attempt 1 and 2 (backoff 300 ms)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(secondGap.plus(CLOCK_TOLERANCE)).as("time between attempt 2 and 3 (backoff 600 ms)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }

        /**
         * After the last allowed attempt the message is in the group's dead-letter queue with reason
         * RETRIES_EXHAUSTED, the last exception's class and message, the group, the number of attempts and
         * ordered first/last failure times; and it is never handed over again. If it fails, check the
         * dead-letter record the backend writes and that the original entry is acknowledged when it moves.
         */
        @Test
        void required_exhaustedRetriesAreDeadLetteredWithTheFailure() {
            assumeCapability(Capability.RETRY_WITH_BACKOFF);
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("exhausted");
            String group = group("exhausted");
            Recorder rec = new Recorder(d -> {
                if (d.message().header(MARKER_HEADER).isEmpty()) {
                    throw new IllegalStateException("boom " + d.attempt());
                }
            });
            subscribe(options(topic, group).build(), rec);
            Message m = Message.builder(topic).text("always fails").header("tenant", "acme").build();
            broker().publish(m);
            Instant published = Instant.now();

            DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
            assertThat(dl.attempts()).as("attempts").isEqualTo(3);
            assertThat(dl.group()).isEqualTo(group);
            assertThat(dl.exceptionClass()).hasValue(IllegalStateException.class.getName());
            assertThat(dl.exceptionMessage()).as("the last failure's message").isEqualTo("boom 3");
            assertThat(withoutHash(dl.message())).as("the dead letter's message").isEqualTo(m);
            assertThat(dl.firstFailure()).as("firstFailure is before lastFailure").isBefore(dl.lastFailure());
            assertThat(dl.firstFailure()).isAfterOrEqualTo(published.minusSeconds(5));
            assertThat(dl.lastFailure()).isBeforeOrEqualTo(Instant.now().plusSeconds(5));
            assertThat(dl.id()).isNotBlank();

            publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.count(m.id())).as("hand-overs of the dead-lettered message").isEqualTo(3);
        }

        /**
         * A {@code NonRetryableException} sends the message to the dead-letter queue at once: one attempt,
         * reason NON_RETRYABLE, the exception's class and message. If it fails, check that the consumer asks
         * the retry policy whether a failure is retryable.
         */
        @Test
        void required_nonRetryableFailureIsDeadLetteredAtOnce() {
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("non-retryable");
            String group = group("non-retryable");
            Recorder rec = new Recorder(d -> {
                if (d.message().header(MARKER_HEADER).isEmpty()) {
                    throw new NonRetryableException("site 42 does not exist");
                }
            });
            subscribe(options(topic, group).build(), rec);
            Message m = text(topic, "bad input");
            broker().publish(m);
            DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.NON_RETRYABLE);
            assertThat(dl.attempts()).isEqualTo(1);
            assertThat(dl.exceptionClass()).hasValue(NonRetryableException.class.getName());
            assertThat(dl.exceptionMessage()).isEqualTo("site 42 does not exist");
            assertThat(dl.message().id()).isEqualTo(m.id());
            assertThat(dl.firstFailure()).isEqualTo(dl.lastFailure());
            publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.count(m.id())).as("hand-overs of a message that failed non-retryably").isEqualTo(1);
        }

        /**
         * {@code delivery.deadLetter("reason")} sends the message to the dead-letter queue at once with reason
         * REJECTED, that text as message and no exception class; the handler's normal return afterwards changes
         * nothing. If it fails, check that an explicit settlement wins over the handler's return.
         */
        @Test
        void required_explicitDeadLetterIsRejectedWithTheGivenReason() {
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("rejected");
            String group = group("rejected");
            Recorder rec = new Recorder(d -> {
                if (d.message().header(MARKER_HEADER).isEmpty()) {
                    d.deadLetter("no such site");
                    assertThat(d.isSettled()).as("isSettled() after deadLetter(...)").isTrue();
                }
            });
            subscribe(options(topic, group).build(), rec);
            Message m = text(topic, "rejected");
            broker().publish(m);
            DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.REJECTED);
            assertThat(dl.exceptionMessage()).isEqualTo("no such site");
            assertThat(dl.exceptionClass()).as("exception class of a rejection").isEmpty();
            assertThat(dl.attempts()).isEqualTo(1);
            assertThat(dl.message().id()).isEqualTo(m.id());
            publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.count(m.id())).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 7. Dead-letter queue
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("dead-letters")
    @DisplayName("Dead letters can be counted, listed, replayed and purged")
    class DeadLetters {
        /**
         * Three failed messages: {@code count()} is 3, {@code list(max)} returns them oldest first and respects
         * {@code max}, {@code purge()} returns 3 and empties the queue; another group's queue stays empty. If
         * it fails, check the dead-letter store's keys (per topic and group) and its ordering.
         */
        @Test
        void required_deadLettersCanBeCountedListedAndPurged() {
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("dlq");
            String group = group("dlq");
            Recorder rec = new Recorder(d -> {
                throw new IllegalArgumentException("bad " + d.message().payloadAsString());
            });
            subscribe(options(topic, group).retryPolicy(RetryPolicy.noRetries()).build(), rec);
            List<Message> failing = texts(topic, "failing", 3);
            publishEach(broker(), failing);

            DeadLetterQueue dlq = broker().deadLetters(topic, group);
            assertThat(dlq.topic()).isEqualTo(topic);
            assertThat(dlq.group()).isEqualTo(group);
            timeouts().await("three dead letters").untilAsserted(() -> assertThat(dlq.count()).isEqualTo(3));
            assertThat(dlq.list(10)).extracting(dl -> dl.message().id()).as("list(10), oldest first")
                    .containsExactlyElementsOf(ids(failing));
            assertThat(dlq.list(2)).extracting(dl -> dl.message().id()).as("list(2)")
                    .containsExactlyElementsOf(ids(failing).subList(0, 2));
            assertThat(dlq.list(10)).allSatisfy(dl -> {
                assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
                assertThat(dl.attempts()).isEqualTo(1);
                assertThat(dl.exceptionClass()).hasValue(IllegalArgumentException.class.getName());
                assertThat(dl.exceptionMessage()).isEqualTo("bad " + dl.message().payloadAsString());
            });
            assertThat(dlq.list(10)).extracting(DeadLetter::id).doesNotHaveDuplicates();
            assertThat(broker().deadLetters(topic, group("other")).count()).as("another group's queue").isZero();
            assertThat(newBroker(Map.of()).deadLetters(topic, group).count()).as("count seen from another broker")
                    .isEqualTo(3);

            assertThat(dlq.purge()).as("purge() returns how many it removed").isEqualTo(3);
            assertThat(dlq.count()).isZero();
            assertThat(dlq.list(10)).isEmpty();
            assertThat(dlq.purge()).isZero();
        }

        /**
         * Two groups on one topic, only group A's handler fails (the first time). Replaying A's dead letter by id
         * delivers the message again to A, as attempt 1, and not to B; the replayed dead letter leaves the queue
         * and cannot be replayed twice. If it fails, check that replay targets the failed group only (for
         * example a per-group retry stream, not a re-publish to the topic).
         */
        @Test
        void required_replayByIdDeliversAgainToTheFailedGroupOnly() {
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("replay");
            String groupA = group("replay-a");
            String groupB = group("replay-b");
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            Recorder recA = new Recorder(d -> {
                if (d.message().header(MARKER_HEADER).isEmpty() && failedOnce.add(d.message().id())) {
                    throw new IllegalStateException("A fails the first time");
                }
            });
            Recorder recB = new Recorder();
            subscribe(options(topic, groupA).retryPolicy(RetryPolicy.noRetries()).build(), recA);
            subscribe(options(topic, groupB).build(), recB);
            Message m = text(topic, "replay me");
            broker().publish(m);

            DeadLetterQueue dlqA = broker().deadLetters(topic, groupA);
            DeadLetter dl = awaitSingleDeadLetter(dlqA);
            timeouts().await("group B to get the message").until(() -> recB.has(m.id()));
            assertThat(broker().deadLetters(topic, groupB).count()).as("group B's dead letters").isZero();

            assertThat(dlqA.replay(dl.id())).as("replay(id) of an existing dead letter").isTrue();
            timeouts().await("the replayed message to reach group A").until(() -> recA.count(m.id()) >= 2);
            assertThat(recA.entries(m.id()).get(1).attempt()).as("attempt of a replayed message").isEqualTo(1);
            assertThat(withoutHash(recA.entries(m.id()).get(1).message())).isEqualTo(m);
            assertThat(dlqA.count()).as("dead letters of A after the replay").isZero();
            assertThat(dlqA.replay(dl.id())).as("replaying the same dead letter again").isFalse();

            publishMarkerAndAwait(broker(), topic, recA, recB);
            assertThat(recA.count(m.id())).as("hand-overs to group A: the failure and the replay").isEqualTo(2);
            assertThat(recB.count(m.id())).as("hand-overs to group B, which never failed").isEqualTo(1);
        }

        /**
         * {@code replay(max)} replays the oldest {@code max} dead letters and returns how many; the rest stay.
         * If it fails, check the ordering and the count returned by bulk replay.
         */
        @Test
        void required_replayMaxReplaysTheOldestFirst() {
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("replay-max");
            String group = group("replay-max");
            Set<String> failedOnce = ConcurrentHashMap.newKeySet();
            Recorder rec = new Recorder(d -> {
                if (failedOnce.add(d.message().id())) {
                    throw new IllegalStateException("first time fails");
                }
            });
            subscribe(options(topic, group).retryPolicy(RetryPolicy.noRetries()).build(), rec);
            List<Message> failing = texts(topic, "replay-max", 3);
            publishEach(broker(), failing);
            DeadLetterQueue dlq = broker().deadLetters(topic, group);
            timeouts().await("three dead letters").untilAsserted(() -> assertThat(dlq.count()).isEqualTo(3));

            assertThat(dlq.replay(2)).as("replay(2) with three dead letters").isEqualTo(2);
            timeouts().await("the two oldest to come back").until(
                    () -> rec.count(failing.get(0).id()) == 2 && rec.count(failing.get(1).id()) == 2);
            assertThat(dlq.list(10)).extracting(dl -> dl.message().id()).containsExactly(failing.get(2).id());
            assertThat(dlq.replay(5)).as("replay(5) with one dead letter left").isEqualTo(1);
            timeouts().await("the last one to come back").until(() -> rec.count(failing.get(2).id()) == 2);
            assertThat(dlq.count()).isZero();
            assertThat(dlq.replay(5)).isZero();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 8. Acknowledgement
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("acks")
    @DisplayName("Acknowledged messages are never delivered again")
    class Acknowledgement {
        /**
         * Messages a member handled successfully are not handed over again when it closes and a new member of
         * the same group starts. If it fails, check that a normal return acknowledges (XACK, offset commit)
         * before or during close.
         */
        @Test
        void required_acknowledgedMessagesAreNotRedeliveredToANewMember() {
            String topic = topic("acked");
            String group = group("acked");
            Recorder first = new Recorder();
            Subscription sub = subscribe(options(topic, group).build(), first);
            List<Message> published = texts(topic, "acked", 5);
            publishEach(broker(), published);
            timeouts().await("five messages").until(() -> first.hasAll(ids(published)));
            sub.close();
            Recorder second = new Recorder();
            subscribe(options(topic, group).build(), second);
            String marker = publishMarkerAndAwait(broker(), topic, second);
            assertThat(second.ids()).as("hand-overs to the new member").containsExactly(marker);
            assertThat(first.ids()).as("hand-overs to the first member")
                    .containsExactlyInAnyOrderElementsOf(ids(published));
        }

        /**
         * The same across a restart of the consumer: a member on one broker connection handles messages, that
         * broker is closed, and a member on a new connection gets none of them again. If it fails, check that
         * acknowledgements reach the server before {@code Broker.close()} returns.
         */
        @Test
        void required_acknowledgedMessagesAreNotRedeliveredAfterARestart() {
            String topic = topic("restart");
            String group = group("restart");
            Broker before = newBroker(Map.of());
            Recorder first = new Recorder();
            subscribe(before, options(topic, group).build(), first);
            List<Message> published = texts(topic, "restart", 5);
            publishEach(broker(), published);
            timeouts().await("five messages").until(() -> first.hasAll(ids(published)));
            before.close();

            Broker after = newBroker(Map.of());
            Recorder second = new Recorder();
            subscribe(after, options(topic, group).build(), second);
            String marker = publishMarkerAndAwait(broker(), topic, second);
            assertThat(second.ids()).as("hand-overs after the restart").containsExactly(marker);
            assertThat(first.ids()).containsExactlyInAnyOrderElementsOf(ids(published));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 9. Leases
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("leases")
    @DisplayName("A member that stops responding loses its messages after the lease")
    class Leases {
        private final Duration lease = Duration.ofSeconds(1);

        /**
         * A member takes a message and never settles it (its handler hangs, as a crashed process would). After
         * the lease (1 s) another member of the group gets it, with attempt 2, and not before; the hung member's
         * {@code extendLease} then reports the lease lost. If it fails, check the backend's reclaim of expired
         * leases (XAUTOCLAIM, visibility timeout) and that reclaimed hand-overs count as a new attempt.
         */
        @Test
        void required_unacknowledgedMessageGoesToAnotherMemberAfterTheLease() {
            assumeCapability(Capability.LEASES);
            String topic = topic("lease");
            String group = group("lease");
            CountDownLatch hang = latch();
            Recorder hung = new Recorder(d -> hang.await());
            subscribe(options(topic, group).consumerName("hung-" + runId()).maxInFlight(1).leaseTimeout(lease)
                    .shutdownGracePeriod(Duration.ofMillis(200)).build(), hung);
            Message m = text(topic, "leased");
            long publishedAt = System.nanoTime();
            broker().publish(m);
            timeouts().await("the first member to take the message").until(() -> hung.size() == 1);

            Recorder rescuer = new Recorder();
            subscribe(options(topic, group).consumerName("rescuer-" + runId()).maxInFlight(1).leaseTimeout(lease).build(),
                    rescuer);
            timeouts().await("another member to get the message after the lease").until(() -> rescuer.has(m.id()));
            Recorder.Entry rescued = rescuer.first(m.id());
            assertThat(rescued.attempt()).as("attempt of a message redelivered after a lost lease").isEqualTo(2);
            assertThat(withoutHash(rescued.message())).isEqualTo(m);
            assertThat(Duration.ofNanos(rescued.nanoTime() - publishedAt)).as("time from publish to redelivery")
                    .isGreaterThanOrEqualTo(lease);
            assertThat(hung.first().delivery().extendLease(lease)).as("extendLease after the lease was lost")
                    .isFalse();
            assertThat(hung.size()).isEqualTo(1);
            hang.countDown();
        }

        /**
         * A member whose handler keeps calling {@code extendLease} keeps the message: no other member gets it
         * during three lease periods; when the handler returns, the message is acknowledged once. If it fails,
         * check that extending a lease resets the idle time the backend's reclaim looks at.
         */
        @Test
        void required_extendedLeaseKeepsTheMessage() {
            assumeCapability(Capability.LEASES);
            String topic = topic("extend");
            String group = group("extend");
            CountDownLatch done = latch();
            AtomicBoolean lost = new AtomicBoolean();
            Recorder holder = new Recorder(d -> {
                if (d.message().header(MARKER_HEADER).isPresent()) {
                    return;
                }
                while (!done.await(lease.toMillis() / 4, TimeUnit.MILLISECONDS)) {
                    if (!d.extendLease(lease)) {
                        lost.set(true);
                    }
                }
            });
            subscribe(options(topic, group).consumerName("holder-" + runId()).maxInFlight(1).leaseTimeout(lease)
                    .shutdownGracePeriod(Duration.ofMillis(500)).build(), holder);
            Message m = text(topic, "long job");
            broker().publish(m);
            timeouts().await("the holder to take the message").until(() -> holder.size() == 1);
            Recorder other = new Recorder();
            subscribe(options(topic, group).consumerName("other-" + runId()).maxInFlight(1).leaseTimeout(lease).build(),
                    other);

            timeouts().quietPeriod("no other member to get a message whose lease is being extended",
                    lease.multipliedBy(3)).until(() -> !other.has(m.id()));
            assertThat(lost).as("extendLease returned false while the handler held the message").isFalse();
            done.countDown();

            timeouts().await("the message to be acknowledged once the handler returns")
                    .untilAsserted(() -> assertThat(broker().metrics().acked()).isEqualTo(1));
            publishMarkerAndAwaitAny(broker(), topic, holder, other);
            assertThat(holder.count(m.id()) + other.count(m.id())).as("hand-overs of the message").isEqualTo(1);
            timeouts().await("the marker's acknowledgement")
                    .untilAsserted(() -> assertThat(broker().metrics().acked()).isEqualTo(2));
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 10. Undecodable payloads
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("undecodable")
    @DisplayName("An undecodable payload is dead-lettered and the consumer goes on")
    class UndecodablePayloads {
        /**
         * A message whose payload is not what its content type says ({@code {not json} as
         * {@code application/json}}) makes {@code body(Map.class)} throw {@code PayloadDecodingException}; the
         * message is dead-lettered at once with reason UNDECODABLE and the consumer handles the next message.
         * If it fails, check that {@code Delivery.body} wraps codec errors in {@code PayloadDecodingException}
         * and that the consumer treats it as non-retryable.
         */
        @Test
        void required_undecodablePayloadIsDeadLetteredAndTheConsumerGoesOn() {
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("undecodable");
            String group = group("undecodable");
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            Recorder rec = new Recorder(d -> {
                try {
                    d.body(Map.class);
                } catch (RuntimeException e) {
                    thrown.add(e);
                    throw e;
                }
            });
            subscribe(options(topic, group).build(), rec);
            Message bad = Message.builder(topic).payload("{not json".getBytes(StandardCharsets.UTF_8))
                    .contentType(broker().codec().contentType()).build();
            Message good = Message.builder(topic).body(Map.of("ok", true), broker().codec()).build();
            broker().publish(bad);
            broker().publish(good);

            timeouts().await("the good message after the bad one").until(() -> rec.has(good.id()));
            DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
            assertThat(dl.message().id()).isEqualTo(bad.id());
            assertThat(dl.message().payload()).isEqualTo(bad.payload());
            assertThat(dl.attempts()).isEqualTo(1);
            assertThat(dl.group()).isEqualTo(group);
            assertThat(thrown).as("what body(Map.class) threw").singleElement()
                    .isInstanceOf(PayloadDecodingException.class);
            publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.count(bad.id())).as("hand-overs of the undecodable message").isEqualTo(1);
            assertThat(rec.count(good.id())).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 11. Time to live
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("ttl")
    @DisplayName("Expired messages are never handled")
    class TimeToLive {
        /**
         * A message already past its expiry is never handed to a handler, is counted once in
         * {@code metrics().expired()} and, with {@code deadLetterExpired(true)} (the default), is in the
         * dead-letter queue with reason EXPIRED. If it fails, check that the consumer checks
         * {@code isExpired} before every hand-over, retries included.
         */
        @Test
        void required_expiredMessageIsNeverHandledAndIsDeadLettered() {
            assumeCapability(Capability.TIME_TO_LIVE);
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("expired");
            String group = group("expired");
            Recorder rec = new Recorder();
            subscribe(options(topic, group).build(), rec);
            Message expired = Message.builder(topic).text("too late").expiresAt(Instant.now().minusSeconds(1)).build();
            broker().publish(expired);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.ids()).as("hand-overs").containsExactly(marker);
            timeouts().await("metrics().expired() to count the message")
                    .untilAsserted(() -> assertThat(broker().metrics().expired()).isEqualTo(1));
            DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
            assertThat(dl.reason()).isEqualTo(DeadLetterReason.EXPIRED);
            assertThat(dl.message().id()).isEqualTo(expired.id());
            assertThat(dl.group()).isEqualTo(group);
        }

        /**
         * With {@code deadLetterExpired(false)} an expired message is counted and dropped, not dead-lettered.
         * If it fails, check that the option reaches the consumer runtime.
         */
        @Test
        void required_expiredMessageIsOnlyCountedWhenNotDeadLettering() {
            assumeCapability(Capability.TIME_TO_LIVE);
            String topic = topic("expired-dropped");
            String group = group("expired-dropped");
            Recorder rec = new Recorder();
            subscribe(options(topic, group).deadLetterExpired(false).build(), rec);
            Message expired = Message.builder(topic).text("too late").expiresAt(Instant.now().minusSeconds(1)).build();
            broker().publish(expired);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.ids()).containsExactly(marker);
            timeouts().await("metrics().expired() to count the message")
                    .untilAsserted(() -> assertThat(broker().metrics().expired()).isEqualTo(1));
            if (supports(Capability.DEAD_LETTER_QUEUE)) {
                assertThat(broker().deadLetters(topic, group).count()).as("dead letters with deadLetterExpired(false)")
                        .isZero();
                assertThat(broker().metrics().deadLettered()).isZero();
            }
        }

        /**
         * A message with a short time-to-live that passes while its group has no live member is not handed
         * over when a member joins, and is counted and dead-lettered as EXPIRED. If it fails, check that expiry
         * is checked at hand-over time, not only at publish time.
         */
        @Test
        void required_messageWhoseTtlPassesBeforeAMemberJoinsIsNeverHandled() {
            assumeCapability(Capability.TIME_TO_LIVE);
            String topic = topic("ttl");
            String group = group("ttl");
            createGroupWithoutMembers(topic, group);
            Message shortLived = Message.builder(topic).text("short-lived").ttl(Duration.ofMillis(200)).build();
            broker().publish(shortLived);
            timeouts().await("the time-to-live to pass").until(() -> shortLived.isExpired(Instant.now()));
            Recorder rec = new Recorder();
            subscribe(options(topic, group).build(), rec);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            assertThat(rec.ids()).containsExactly(marker);
            timeouts().await("metrics().expired() to count the message")
                    .untilAsserted(() -> assertThat(broker().metrics().expired()).isEqualTo(1));
            if (supports(Capability.DEAD_LETTER_QUEUE)) {
                DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
                assertThat(dl.reason()).isEqualTo(DeadLetterReason.EXPIRED);
                assertThat(dl.message().id()).isEqualTo(shortLived.id());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 12. Priority
    // ---------------------------------------------------------------------------------------------------

    /**
     * The priority contract, with a bound the tests check: when a backlog exists, a higher priority is
     * delivered first; while lower-priority messages wait, at least one delivery in every 10 goes to the
     * oldest of them, so nothing starves. Backends may map the ten levels to bands, but 0 and 9 must be in
     * different bands.
     */
    @Nested
    @Tag("priority")
    @DisplayName("Higher priority first in a backlog, without starving lower priorities")
    class Priority {
        /**
         * 100 priority-0 messages, then 100 priority-9 ones, wait for a group (concurrency 1). At least 16 of
         * the first 20 deliveries are priority 9 (the bound allows 2 of 20 for the waiting lower priority;
         * the test tolerates 4), and every message is delivered exactly once. If it fails, check that the
         * backend fetches by priority (bands, separate streams) rather than in log order.
         */
        @Test
        void required_higherPriorityIsDeliveredFirstInABacklog() {
            assumeCapability(Capability.PRIORITY);
            List<Integer> priorities = runBacklog("prio-first", 100, 100);
            long highInFirst20 = priorities.subList(0, 20).stream().filter(p -> p == 9).count();
            assertThat(highInFirst20).as("priority-9 deliveries among the first 20 (order: %s)",
                    priorities.subList(0, 20)).isGreaterThanOrEqualTo(16);
        }

        /**
         * 50 priority-0 messages, then 400 priority-9 ones: at least 10 priority-0 messages are among the first
         * 200 deliveries (the bound promises 20), and every message is delivered exactly once. If it fails, the backend starves lower priorities: check its anti-starvation rule.
         */
        @Test
        void required_lowerPrioritiesAreNotStarved() {
            assumeCapability(Capability.PRIORITY);
            List<Integer> priorities = runBacklog("prio-starve", 50, 400);
            long lowInFirst200 = priorities.subList(0, 200).stream().filter(p -> p == 0).count();
            assertThat(lowInFirst200).as("priority-0 deliveries among the first 200").isGreaterThanOrEqualTo(10);
        }

        /** Publishes {@code low} priority-0 then {@code high} priority-9 messages as a backlog; returns the delivery order. */
        private List<Integer> runBacklog(String name, int low, int high) {
            String topic = topic(name);
            String group = group(name);
            createGroupWithoutMembers(topic, group);
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < low; i++) {
                messages.add(Message.builder(topic).text("low-" + i).priority(0)
                        .header(SEQUENCE_HEADER, Integer.toString(i)).build());
            }
            for (int i = 0; i < high; i++) {
                messages.add(Message.builder(topic).text("high-" + i).priority(9)
                        .header(SEQUENCE_HEADER, Integer.toString(i)).build());
            }
            publishEach(broker(), messages);
            Recorder rec = new Recorder();
            Subscription sub = subscribe(options(topic, group).concurrency(1).build(), rec);
            awaitCount("the whole backlog", rec::distinct, low + high);
            String marker = publishMarkerAndAwait(broker(), topic, rec);
            sub.close();
            assertThat(rec.distinctIds()).containsExactlyInAnyOrderElementsOf(concat(ids(messages), marker));
            assertExactlyOnce(rec, ids(messages), "backlog messages");

            return rec.entries().stream().filter(e -> e.message().header(MARKER_HEADER).isEmpty())
                    .map(e -> e.message().priority()).toList();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 13. Ordering
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("ordering")
    @DisplayName("With ordering on, messages with one key are handled in publish order")
    class Ordering {
        /**
         * With {@code ordered(true)} and concurrency 4, five keys with 200 messages each (interleaved) are
         * handled in publish order per key, each once. If it fails, check that the consumer runtime serialises
         * messages per key (per-key queues or partition affinity) while still running keys in parallel.
         */
        @Test
        void required_orderedSubscriptionHandlesEachKeyInPublishOrder() {
            assumeCapability(Capability.ORDERING_BY_KEY);
            Map<String, List<Integer>> handled = runOrdered("ordered", null);
            handled.forEach((key, seqs) -> assertThat(seqs).as("sequence numbers handled for key %s", key)
                    .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList()));
        }

        /**
         * The same with one message (key-2, number 100) failing once: it is retried in place, and the key's
         * later messages wait for it, so the key's hand-overs are 0..100, 100 again, 101..199. If it fails,
         * check that a retry of an ordered message holds back its key instead of going to a separate retry
         * queue.
         */
        @Test
        void required_retryInTheMiddleKeepsTheKeysOrder() {
            assumeCapability(Capability.ORDERING_BY_KEY);
            assumeCapability(Capability.RETRY_WITH_BACKOFF);
            Map<String, List<Integer>> handled = runOrdered("ordered-retry", "key-2");
            handled.forEach((key, seqs) -> {
                List<Integer> expected = new ArrayList<>(IntStream.range(0, 200).boxed().toList());
                if (key.equals("key-2")) {
                    expected.add(101, 100);
                }
                assertThat(seqs).as("hand-overs (failed ones included) for key %s", key)
                        .containsExactlyElementsOf(expected);
            });
        }

        private Map<String, List<Integer>> runOrdered(String name, String failingKey) {
            String topic = topic(name);
            Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
            AtomicBoolean failed = new AtomicBoolean();
            Recorder rec = new Recorder(d -> {
                Message m = d.message();
                if (m.header(MARKER_HEADER).isPresent()) {
                    return;
                }
                String key = m.key().orElseThrow();
                int seq = Integer.parseInt(m.header(SEQUENCE_HEADER).orElseThrow());
                handled.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
                Thread.yield();
                if (key.equals(failingKey) && seq == 100 && failed.compareAndSet(false, true)) {
                    throw new IllegalStateException("fails once, in the middle");
                }
            });
            Subscription sub = subscribe(options(topic, group(name)).ordered(true).concurrency(4).build(), rec);
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                for (int k = 0; k < 5; k++) {
                    messages.add(Message.builder(topic).text("key-" + k + "/" + i).key("key-" + k)
                            .header(SEQUENCE_HEADER, Integer.toString(i)).build());
                }
            }
            publishEach(broker(), messages);
            awaitCount("1000 ordered messages", rec::distinct, 1000);
            publishMarkerAndAwait(broker(), topic, rec);
            sub.close();
            assertThat(handled).as("keys handled").containsOnlyKeys("key-0", "key-1", "key-2", "key-3", "key-4");
            Map<String, List<Integer>> copy = new LinkedHashMap<>();
            handled.forEach((k, v) -> {
                synchronized (v) {
                    copy.put(k, List.copyOf(v));
                }
            });
            return copy;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 14. Lifecycle
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("lifecycle")
    @DisplayName("Closing is graceful, idempotent and final")
    class Lifecycle {
        /**
         * Closing a subscription while handlers run (each takes ~200 ms, concurrency 2, grace 5 s) waits for
         * them: every handler that started has finished when {@code close()} returns, and its message is
         * acknowledged (not handed over again). The messages not yet started go to a new member of the group.
         * None is lost and none is handled twice. If it fails, check the close sequence: stop fetching, wait
         * for running handlers up to the grace period, acknowledge, release what was not started.
         */
        @Test
        void required_closeLetsRunningHandlersFinishAndLeavesTheRest() {
            String topic = topic("grace");
            String group = group("grace");
            Set<String> finished = ConcurrentHashMap.newKeySet();
            Recorder first = new Recorder(d -> {
                simulateWork(Duration.ofMillis(200));
                finished.add(d.message().id());
            });
            Subscription sub = subscribe(options(topic, group).concurrency(2).maxInFlight(2)
                    .shutdownGracePeriod(Duration.ofSeconds(5)).build(), first);
            List<Message> published = texts(topic, "grace", 10);
            publishEach(broker(), published);
            timeouts().await("two handlers to be running").until(() -> first.size() >= 2);
            sub.close();
            assertThat(sub.isActive()).isFalse();
            Set<String> started = first.distinctIds();
            assertThat(finished).as("messages whose handler finished when close() returned")
                    .containsExactlyInAnyOrderElementsOf(started);
            assertThat(started.size()).as("messages started before close (the rest must be left)").isLessThan(10);

            Recorder second = new Recorder();
            subscribe(options(topic, group).build(), second);
            timeouts().await("the messages not started before close to reach the new member")
                    .until(() -> second.distinct() >= 10 - started.size());
            String marker = publishMarkerAndAwait(broker(), topic, second);
            assertThat(second.ids()).as("hand-overs to the new member")
                    .containsExactlyInAnyOrderElementsOf(concat(ids(published).stream()
                            .filter(id -> !started.contains(id)).toList(), marker));
            assertThat(first.size()).as("hand-overs to the closed member").isEqualTo(started.size());
        }

        /**
         * Closing a subscription or a broker twice is harmless; {@code closeAsync()} after {@code close()}
         * completes normally; a closed broker's subscriptions are closed. If it fails, check the close paths
         * for state checks and double-release of resources.
         */
        @Test
        void required_closeIsIdempotent() throws Exception {
            String topic = topic("close");
            Subscription sub = subscribe(options(topic, group("close")).build(), new Recorder());
            assertThat(sub.isActive()).isTrue();
            sub.close();
            assertThatCode(sub::close).as("second close()").doesNotThrowAnyException();
            assertThat(sub.isActive()).isFalse();
            assertThat(sub.closeAsync().toCompletableFuture().get(timeouts().eventually().toMillis(),
                    TimeUnit.MILLISECONDS)).as("closeAsync() after close()").isNull();

            Broker other = newBroker(Map.of());
            Subscription onOther = subscribe(other, options(topic, group("close-broker")).build(), new Recorder());
            Subscription asyncClosed = subscribe(other, options(topic, group("close-async")).build(), new Recorder());
            asyncClosed.closeAsync().toCompletableFuture().get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
            assertThat(asyncClosed.isActive()).isFalse();
            assertThat(other.isClosed()).isFalse();
            other.close();
            assertThat(other.isClosed()).isTrue();
            assertThat(onOther.isActive()).as("a subscription of a closed broker").isFalse();
            assertThatCode(other::close).as("second Broker.close()").doesNotThrowAnyException();
        }

        /**
         * After {@code broker.close()}, publishing and subscribing fail with {@code BrokerClosedException}
         * (publishAsync at once, not through the stage). If it fails, check that every entry point checks the
         * closed state first.
         */
        @Test
        void required_operationsAfterBrokerCloseFail() {
            String topic = topic("closed");
            Broker closed = newBroker(Map.of());
            closed.close();
            Message m = text(topic, "too late");
            assertThatThrownBy(() -> closed.publish(m)).isInstanceOf(BrokerClosedException.class);
            assertThatThrownBy(() -> closed.publishAsync(m)).as("publishAsync throws at once")
                    .isInstanceOf(BrokerClosedException.class);
            assertThatThrownBy(() -> closed.publishAll(List.of(m))).isInstanceOf(BrokerClosedException.class);
            assertThatThrownBy(() -> closed.subscribe(options(topic, group("closed")).build(), new Recorder()))
                    .isInstanceOf(BrokerClosedException.class);
        }

        /**
         * Closing one group's subscription leaves another group's running: it still gets new messages. If it
         * fails, check that subscriptions do not share a lifecycle (a shared poller stopped by one close).
         */
        @Test
        void required_closingOneSubscriptionLeavesOthersRunning() {
            String topic = topic("close-one");
            Recorder recA = new Recorder();
            Recorder recB = new Recorder();
            Subscription a = subscribe(options(topic, group("close-a")).build(), recA);
            Subscription b = subscribe(options(topic, group("close-b")).build(), recB);
            a.close();
            assertThat(a.isActive()).isFalse();
            assertThat(b.isActive()).isTrue();
            Message m = text(topic, "after A closed");
            broker().publish(m);
            timeouts().await("group B to get a message published after A closed").until(() -> recB.has(m.id()));
            assertThat(recA.size()).isZero();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 15. Validation
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("validation")
    @DisplayName("Bad input fails fast, before any I/O")
    class Validation {
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
         * A broker created with {@code max-message-size=1KiB} refuses a message with a 2 KiB payload with
         * {@code MessageTooLargeException} carrying the message's size ({@code approximateSize()}, what the
         * limit is checked against) and the limit (1024), at once from {@code publish} and {@code publishAsync};
         * nothing is stored. If it fails, check that the size option is parsed and checked before sending.
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
                assertThat(e.size()).as("size").isEqualTo(big.approximateSize());
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
    }

    // ---------------------------------------------------------------------------------------------------
    // 16. Flow control
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("flow-control")
    @DisplayName("No more messages are in flight than the limit")
    class FlowControl {
        /**
         * With concurrency 8 and maxInFlight 3, never more than 3 handlers run at once, and with 60 messages
         * of ~20 ms each, 3 are reached. If it fails above 3, the runtime does not bound in-flight messages by
         * the smaller of the two settings; if 3 is never reached, it under-uses the allowed parallelism.
         */
        @Test
        void required_neverMoreHandlersThanMaxInFlight() {
            String topic = topic("in-flight");
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            AtomicInteger maxReported = new AtomicInteger();
            Subscription[] sub = new Subscription[1];
            Recorder rec = new Recorder(d -> {
                int now = running.incrementAndGet();
                maxRunning.accumulateAndGet(now, Math::max);
                try {
                    if (sub[0] != null) {
                        maxReported.accumulateAndGet(sub[0].inFlight(), Math::max);
                    }
                    simulateWork(Duration.ofMillis(20));
                } finally {
                    running.decrementAndGet();
                }
            });
            sub[0] = subscribe(options(topic, group("in-flight")).concurrency(8).maxInFlight(3).build(), rec);
            List<Message> published = texts(topic, "in-flight", 60);
            publishEach(broker(), published);
            awaitCount("60 messages", rec::distinct, 60);
            assertThat(maxRunning.get()).as("most handlers running at once").isLessThanOrEqualTo(3);
            assertThat(maxRunning.get()).as("most handlers running at once, with a backlog of 60").isEqualTo(3);
            assertThat(maxReported.get()).as("largest Subscription.inFlight() seen by a handler")
                    .isLessThanOrEqualTo(3);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 17. Observability
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("observability")
    @DisplayName("Health, metrics and lag tell the truth")
    class Observability {
        /**
         * {@code health()} of a running broker is UP with a non-negative latency. If it fails, check the round
         * trip the health check makes.
         */
        @Test
        void required_healthIsUpWithLatency() {
            assumeCapability(Capability.HEALTH);
            Health health = broker().health();
            assertThat(health.status()).isEqualTo(Health.Status.UP);
            assertThat(health.isUp()).isTrue();
            assertThat(health.latency()).as("latency").isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(health.details()).isNotNull();
        }

        /**
         * On a fresh broker: 10 messages published, 2 of them fail once then succeed, 1 fails non-retryably.
         * The snapshot then reads exactly published 10, delivered 12, acked 9, retried 2, failed 3,
         * dead-lettered 1, expired 0. If it fails, check where each counter is incremented (once per
         * handler invocation, per retry scheduled, per settlement).
         */
        @Test
        void required_metricsCountExactlyWhatHappened() {
            assumeCapability(Capability.RETRY_WITH_BACKOFF);
            assumeCapability(Capability.DEAD_LETTER_QUEUE);
            String topic = topic("metrics");
            List<Message> published = texts(topic, "metrics", 10);
            Set<String> failOnce = ConcurrentHashMap.newKeySet();
            failOnce.add(published.get(2).id());
            failOnce.add(published.get(5).id());
            String poison = published.get(7).id();
            Recorder rec = new Recorder(d -> {
                String id = d.message().id();
                if (id.equals(poison)) {
                    throw new NonRetryableException("poison");
                }
                if (failOnce.remove(id)) {
                    throw new IllegalStateException("transient");
                }
            });
            subscribe(options(topic, group("metrics")).build(), rec);
            publishEach(broker(), published);
            timeouts().await("the expected counters").untilAsserted(() -> {
                MetricsSnapshot s = broker().metrics();
                assertThat(new long[] {s.published(), s.delivered(), s.acked(), s.retried(), s.failed(),
                        s.deadLettered(), s.expired()})
                        .as("published, delivered, acked, retried, failed, deadLettered, expired")
                        .containsExactly(10, 12, 9, 2, 3, 1, 0);
            });
            assertThat(rec.size()).as("handler invocations").isEqualTo(12);
        }

        /**
         * {@code lag} of a group without live members shows the messages published meanwhile (backlog plus
         * pending is 10), and returns to 0 backlog and 0 pending once a member has handled them. If it fails,
         * check how the backend computes the group's distance from the end of the log and its pending list.
         */
        @Test
        void required_lagShowsTheBacklogAndDrainsToZero() {
            assumeCapability(Capability.LAG);
            String topic = topic("lag");
            String group = group("lag");
            createGroupWithoutMembers(topic, group);
            List<Message> published = texts(topic, "lag", 10);
            publishEach(broker(), published);
            timeouts().await("lag to show 10 messages").untilAsserted(() -> {
                ConsumerLag lag = broker().lag(topic, group);
                assertThat(lag.topic()).isEqualTo(topic);
                assertThat(lag.group()).isEqualTo(group);
                assertThat(lag.backlog()).as("backlog").isNotNegative();
                assertThat(lag.pending()).as("pending").isNotNegative();
                assertThat(lag.total()).as("backlog + pending").isEqualTo(10);
            });
            Recorder rec = new Recorder();
            subscribe(options(topic, group).build(), rec);
            timeouts().await("ten messages").until(() -> rec.hasAll(ids(published)));
            timeouts().await("lag to drain to zero").untilAsserted(() -> {
                ConsumerLag lag = broker().lag(topic, group);
                assertThat(lag.backlog()).as("backlog").isZero();
                assertThat(lag.pending()).as("pending").isZero();
            });
        }

        /**
         * After traffic, the publish and end-to-end latency summaries have samples, and their percentiles are
         * ordered and non-negative. If it fails, check that latencies are recorded on publish confirmation and
         * at the start of each handling.
         */
        @Test
        void required_latencySummariesHaveSamplesAfterTraffic() {
            String topic = topic("latency");
            Recorder rec = new Recorder();
            subscribe(options(topic, group("latency")).build(), rec);
            List<Message> published = texts(topic, "latency", 5);
            publishEach(broker(), published);
            timeouts().await("five messages").until(() -> rec.hasAll(ids(published)));
            timeouts().await("latency samples").untilAsserted(() -> {
                MetricsSnapshot s = broker().metrics();
                assertLatency(s.publishLatency(), "publish latency");
                assertLatency(s.endToEndLatency(), "end-to-end latency");
            });
        }

        private void assertLatency(LatencySummary l, String what) {
            assertThat(l).as(what).isNotNull();
            assertThat(l.count()).as(what + " count").isPositive();
            assertThat(l.p50()).as(what + " p50").isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(l.p95()).as(what + " p95 >= p50").isGreaterThanOrEqualTo(l.p50());
            assertThat(l.p99()).as(what + " p99 >= p95").isGreaterThanOrEqualTo(l.p95());
            assertThat(l.max()).as(what + " max >= p99").isGreaterThanOrEqualTo(l.p99());
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // 18. Reading the log
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("read")
    @DisplayName("The log can be read from the beginning or from a position")
    class Reading {
        /**
         * {@code read(topic, beginning, max)} returns the retained messages in publish order, at the positions
         * publish returned, and respects {@code max}. If it fails, check the backend's range read (XRANGE,
         * seek to beginning) and how it maps positions.
         */
        @Test
        void required_readReturnsRetainedMessagesInPublishOrder() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String topic = topic("read");
            List<Message> published = texts(topic, "read", 10);
            List<PublishResult> results = publishEach(broker(), published);
            List<RecordedMessage> all = broker().read(topic, Position.beginning(), 100);
            assertThat(all).extracting(r -> r.message().id()).as("ids read from the beginning")
                    .containsExactlyElementsOf(ids(published));
            assertThat(all).extracting(RecordedMessage::position).as("positions read")
                    .containsExactlyElementsOf(results.stream().map(PublishResult::position).toList());
            for (int i = 0; i < all.size(); i++) {
                assertThat(withoutHash(all.get(i).message())).isEqualTo(published.get(i));
                assertIsHash(all.get(i).message().provenanceHash(), "message read from the log");
            }
            assertThat(broker().read(topic, Position.beginning(), 3)).extracting(r -> r.message().id()).as("max 3")
                    .containsExactlyElementsOf(ids(published).subList(0, 3));
        }

        /**
         * Reading after the 5th message's position returns the 6th onwards; after the last, nothing. If it
         * fails, check that "after" is exclusive and positions are stable.
         */
        @Test
        void required_readAfterAPositionContinuesFromThere() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String topic = topic("read-after");
            List<Message> published = texts(topic, "read-after", 10);
            List<PublishResult> results = publishEach(broker(), published);
            List<RecordedMessage> firstFive = broker().read(topic, Position.beginning(), 5);
            assertThat(firstFive).hasSize(5);
            assertThat(firstFive.get(4).position()).isEqualTo(results.get(4).position());
            assertThat(broker().read(topic, firstFive.get(4).position(), 100)).extracting(r -> r.message().id())
                    .as("read after the 5th message").containsExactlyElementsOf(ids(published).subList(5, 10));
            assertThat(broker().read(topic, results.get(9).position(), 100)).as("read after the last message").isEmpty();
        }

        /**
         * Reading a topic nobody published to returns an empty list (no exception, nothing created that shows).
         * If it fails, check the backend's handling of a missing stream or topic.
         */
        @Test
        void required_readingAnUnknownTopicIsEmpty() {
            assumeCapability(Capability.READ_FROM_POSITION);
            assertThat(broker().read(topic("nobody"), Position.beginning(), 10)).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Conditional append (optimistic concurrency for event stores)
    // ---------------------------------------------------------------------------------------------------

    @Nested
    @Tag("conditional-append")
    @DisplayName("A conditional append succeeds only at the expected version")
    class ConditionalAppend {
        /**
         * On a new topic, {@code publishIfVersion(m, 0)} succeeds; a second append at version 0 fails with
         * {@code VersionConflictException} naming the topic, the expected version 0 and the actual version 1;
         * the append at version 1 succeeds; a plain publish also counts as a version; nothing refused is
         * stored. If it fails, check that the version check and the append are one atomic step and that the
         * version counts every message ever published to the topic.
         */
        @Test
        void required_appendsOnlyAtTheExpectedVersion() {
            assumeCapability(Capability.CONDITIONAL_APPEND);
            String topic = topic("cas");
            Message first = text(topic, "first");
            Message second = text(topic, "second");
            Message plain = text(topic, "plain");
            Message late = text(topic, "late");
            PublishResult r1 = broker().publishIfVersion(first, 0);
            assertThat(r1.messageId()).isEqualTo(first.id());
            assertThatThrownBy(() -> broker().publishIfVersion(second, 0)).as("a second append at version 0")
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                        assertThat(e.topic()).isEqualTo(topic);
                        assertThat(e.expectedVersion()).isEqualTo(0);
                        assertThat(e.actualVersion()).isEqualTo(1);
                    });
            broker().publishIfVersion(second, 1);
            broker().publish(plain);
            assertThatThrownBy(() -> broker().publishIfVersion(late, 2)).as("an append at version 2 after a plain publish")
                    .isInstanceOfSatisfying(VersionConflictException.class,
                            e -> assertThat(e.actualVersion()).isEqualTo(3));
            if (supports(Capability.READ_FROM_POSITION)) {
                assertThat(broker().read(topic, Position.beginning(), 10)).extracting(r -> r.message().id())
                        .as("what the topic holds").containsExactly(first.id(), second.id(), plain.id());
            }
        }

        /**
         * Eight threads appending at the same version at once: exactly one wins, the seven others get
         * {@code VersionConflictException} with actual version 1. If it fails, the check and the append are not
         * atomic (a read-then-write race, or a missing WATCH/transaction).
         */
        @Test
        void required_concurrentWritersAtOneVersionExactlyOneWins() throws Exception {
            assumeCapability(Capability.CONDITIONAL_APPEND);
            String topic = topic("cas-race");
            int writers = 8;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<PublishResult>> futures = new ArrayList<>();
            try {
                CountDownLatch start = new CountDownLatch(1);
                for (int i = 0; i < writers; i++) {
                    Message m = text(topic, "writer-" + i);
                    futures.add(pool.submit(() -> {
                        start.await();
                        return broker().publishIfVersion(m, 0);
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<PublishResult> f : futures) {
                    try {
                        f.get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
                        won++;
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).as("a losing writer's failure")
                                .isInstanceOfSatisfying(VersionConflictException.class,
                                        c -> assertThat(c.actualVersion()).isEqualTo(1));
                    }
                }
                assertThat(won).as("writers that appended at version 0").isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }

        /**
         * A negative expected version fails with IllegalArgumentException and a null message with
         * NullPointerException, at once. If it fails, check the argument checks of the conditional append.
         */
        @Test
        void required_badConditionalAppendArgumentsAreRejected() {
            assumeCapability(Capability.CONDITIONAL_APPEND);
            String topic = topic("cas-args");
            assertThatThrownBy(() -> broker().publishIfVersionAsync(text(topic, "x"), -1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> broker().publishIfVersionAsync(null, 0)).isInstanceOf(NullPointerException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private static List<String> concat(Collection<String> ids, String extra) {
        List<String> all = new ArrayList<>(ids);
        all.add(extra);
        return all;
    }

    private static void assertExactlyOnce(Recorder rec, Collection<String> ids, String what) {
        Map<String, Integer> wrong = ids.stream().filter(id -> rec.count(id) != 1)
                .collect(Collectors.toMap(id -> id, rec::count, (a, b) -> a, LinkedHashMap::new));
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " of " + ids.size() + " " + what
                    + " were handed over a number of times other than once; the first (id=times): "
                    + wrong.entrySet().stream().limit(5).map(Object::toString).collect(Collectors.joining(", ")));
        }
    }
}

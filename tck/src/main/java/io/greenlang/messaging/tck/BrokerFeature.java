package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * What the feature groups of {@link BrokerContractTest} share: the retry policy and subscription options the kit
 * uses, marker messages that prove an absence, message factories, and the checks several groups make. Each
 * group ({@code RetriesContract}, {@code LeasesContract}...) extends this class; its per-test broker, names,
 * deadlines and cleanup come from the kit instance running it ({@link FeatureContract}).
 */
public abstract class BrokerFeature extends FeatureContract {
    /** Retries used unless a test says otherwise: 3 attempts, 100 ms apart then 200 ms, no jitter. */
    protected static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(100))
            .multiplier(2)
            .maxBackoff(Duration.ofSeconds(1))
            .jitter(0)
            .build();

    /** Clock-granularity allowance when comparing a backend's scheduled delays with System.nanoTime. */
    static final Duration CLOCK_TOLERANCE = Duration.ofMillis(2);

    /** Header of the marker messages {@link #publishMarkerAndAwait} publishes, so handlers can tell them apart. */
    static final String MARKER_HEADER = "tck-marker";
    /** Header carrying the index {@link #texts} gives each message. */
    static final String SEQUENCE_HEADER = "tck-seq";

    /**
     * The {@code maxInFlight} of the scale scenarios, whose backlogs are at least 20 times this: far more than
     * one read, so that a member reads the backlog in many batches while earlier ones are still in flight.
     */
    static final int SCALE_IN_FLIGHT = 16;

    BrokerFeature(BrokerContractTest kit) {
        super(kit);
    }

    /** Subscription options with a short grace period and {@link #FAST_RETRIES}. */
    protected static SubscriptionOptions.Builder options(String topic, String group) {
        return SubscriptionOptions.builder(topic, group)
                .shutdownGracePeriod(Duration.ofSeconds(1))
                .retryPolicy(FAST_RETRIES);
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

    /** The message without the provenance hash a broker stamps: what the publisher built. */
    protected static Message withoutHash(Message m) {
        return m.mutate().build();
    }

    /** A text message to {@code topic}. */
    protected static Message text(String topic, String text) {
        return Message.builder(topic).text(text).build();
    }

    /** {@code n} text messages {@code prefix-0}, {@code prefix-1}..., each with its index in the sequence header. */
    protected static List<Message> texts(String topic, String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> Message.builder(topic).text(prefix + "-" + i)
                .header(SEQUENCE_HEADER, Integer.toString(i)).build()).toList();
    }

    /** The ids of {@code messages}, in order. */
    protected static List<String> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    /** Publishes the messages one by one, in order, waiting for each. */
    protected static List<PublishResult> publishEach(Broker on, List<Message> messages) {
        List<PublishResult> results = new ArrayList<>();
        for (Message m : messages) {
            results.add(on.publish(m));
        }
        return results;
    }

    /** Creates the group (at LATEST) and leaves it without a live member. */
    protected final void createGroupWithoutMembers(String topic, String group) {
        Subscription s = subscribe(options(topic, group).build(), new Recorder());
        s.close();
        assertThat(s.isActive()).as("a closed subscription reports isActive() == false").isFalse();
    }

    /**
     * Makes {@code messages} a backlog of {@code group}: creates the group without a live member, then
     * publishes them in one batch, in order.
     */
    protected final void publishBacklog(String topic, String group, List<Message> messages) {
        createGroupWithoutMembers(topic, group);
        assertThat(broker().publishAll(messages)).as("results of publishing the backlog").hasSize(messages.size());
    }

    /** Waits until the queue holds exactly one dead letter and returns it. */
    protected final DeadLetter awaitSingleDeadLetter(DeadLetterQueue dlq) {
        timeouts().await("one dead letter in " + dlq.topic() + "/" + dlq.group())
                .untilAsserted(() -> assertThat(dlq.count()).isEqualTo(1));
        List<DeadLetter> list = dlq.list(10);
        assertThat(list).as("list() of a queue whose count() is 1").hasSize(1);
        return list.get(0);
    }

    /** Asserts that {@code hash} is a provenance hash as a broker stamps it. */
    protected static void assertIsHash(Optional<String> hash, String what) {
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

    /** A {@link Site} that uses every kind of field, with unicode, escapes and empty values. */
    protected static Site sampleSite() {
        Map<String, List<Integer>> readings = new LinkedHashMap<>();
        readings.put("2024-01", List.of(1, 2, 3));
        readings.put("empty", List.of());
        readings.put("négatif", List.of(-7, Integer.MAX_VALUE, Integer.MIN_VALUE));
        return new Site("Zürich Nord — 北京 🌱 \"quoted\" \\ \n tab\t", 42, 12.5, true, List.of("a", "", "ünï"),
                readings, new Address("Genève", "CH"), List.of(new Address("København", "DK"), new Address("", "")));
    }

    /** {@code ids} followed by {@code extra}. */
    protected static List<String> concat(Collection<String> ids, String extra) {
        List<String> all = new ArrayList<>(ids);
        all.add(extra);
        return all;
    }

    /** Asserts that {@code rec} handled each of {@code ids} exactly once, naming the first that were not. */
    protected static void assertExactlyOnce(Recorder rec, Collection<String> ids, String what) {
        Map<String, Integer> wrong = ids.stream().filter(id -> rec.count(id) != 1)
                .collect(Collectors.toMap(id -> id, rec::count, (a, b) -> a, LinkedHashMap::new));
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " of " + ids.size() + " " + what
                    + " were handed over a number of times other than once; the first (id=times): "
                    + wrong.entrySet().stream().limit(5).map(Object::toString).collect(Collectors.joining(", ")));
        }
    }
}

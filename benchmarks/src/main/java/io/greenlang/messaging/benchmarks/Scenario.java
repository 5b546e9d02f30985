package io.greenlang.messaging.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the harness measures, each for every payload size, through the library and through the baseline. */
public enum Scenario {
    /** Publishing one message per call, from one thread, with nothing consuming. */
    PUBLISH("publish", "publish, single"),
    /** Publishing in batches of {@link BenchConfig#batchSize()} messages per call. */
    PUBLISH_BATCH("publish-batch", "publish, batched"),
    /** Draining a pre-filled backlog (consume and acknowledge) with one consumer. */
    DRAIN_1("drain-1", "drain backlog, 1 consumer"),
    /** Draining a pre-filled backlog with two consumers in one group. */
    DRAIN_2("drain-2", "drain backlog, 2 consumers"),
    /** Publishing, delivering and acknowledging at once, as fast as possible: one producer, one consumer. */
    END_TO_END("end-to-end", "end-to-end (publish+deliver+ack)"),
    /** End-to-end latency at a fixed publish rate, corrected for coordinated omission. */
    LATENCY("latency", "latency at fixed rate"),
    /** Heap used while draining a backlog of {@link BenchConfig#heapMessages()} messages. */
    HEAP("heap", "heap while draining"),
    /** Publishing one record per call, encoded as JSON by the library (or by Jackson for the baselines). */
    PUBLISH_JSON("publish-json", "publish JSON record, single", "json"),
    /** As {@link #PUBLISH_JSON}, encoded as MessagePack. */
    PUBLISH_MSGPACK("publish-msgpack", "publish MessagePack record, single", "msgpack"),
    /** Draining a backlog of JSON records with one consumer that decodes each to the record type. */
    DRAIN_JSON("drain-json", "drain + decode JSON records, 1 consumer", "json"),
    /** As {@link #DRAIN_JSON}, for MessagePack records. */
    DRAIN_MSGPACK("drain-msgpack", "drain + decode MessagePack records, 1 consumer", "msgpack"),
    /**
     * Chained agents: a handler on topic A (concurrency 4) publishes each message to topic B and waits for the
     * confirmation; B's handlers (concurrency 4) record the latency from the publish on A. The library alone:
     * the highest offered rate it sustains, and p99 there.
     */
    CHAIN("chain", "chained agents A -> B, concurrency 4");

    private final String id;
    private final String title;
    private final String codec;

    Scenario(String id, String title) {
        this(id, title, null);
    }

    Scenario(String id, String title, String codec) {
        this.id = id;
        this.title = title;
        this.codec = codec;
    }

    /** The codec of a typed scenario's records, {@code json} or {@code msgpack}; {@code null} for raw bytes. */
    String codec() {
        return codec;
    }

    /** Whether the scenario publishes records through a codec instead of byte arrays. */
    boolean typed() {
        return codec != null;
    }

    /** The short name used on the command line and in the JSON report, such as {@code drain-2}. */
    public String id() {
        return id;
    }

    /** A human title for tables. */
    public String title() {
        return title;
    }

    /**
     * The scenario named {@code id} (case-insensitive).
     *
     * @throws IllegalArgumentException if there is none, listing the valid names
     */
    public static Scenario fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (Scenario s : values()) {
            if (s.id.equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown scenario '" + id + "'. Valid scenarios: "
                + Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(", ")) + ".");
    }
}

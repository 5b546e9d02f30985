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
    HEAP("heap", "heap while draining");

    private final String id;
    private final String title;

    Scenario(String id, String title) {
        this.id = id;
        this.title = title;
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

package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Sends real messages through a baseline's channel and checks that its consumers got each once. */
final class PeerRoundTrip {
    static final int SINGLES = 5;
    static final int BATCHES = 3;
    static final int BATCH = 400;
    static final int TOTAL = SINGLES + BATCHES * BATCH;

    private PeerRoundTrip() {
    }

    /**
     * Publishes {@value #TOTAL} distinct payloads one by one and in batches, drains them with {@code consumers}
     * consumers, and waits until every one was handled and {@code allAcknowledged} holds, then closes the channel.
     */
    static void run(BenchTarget target, String name, int consumers, BooleanSupplier allAcknowledged) {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < TOTAL; i++) {
            sent.add("payload-" + i);
        }
        List<String> received = new CopyOnWriteArrayList<>();
        try (BenchChannel channel = target.open(name, TOTAL)) {
            channel.createGroup();
            for (String s : sent.subList(0, SINGLES)) {
                channel.publish(bytes(s));
            }
            for (int b = 0; b < BATCHES; b++) {
                int from = SINGLES + b * BATCH;
                channel.publishBatch(sent.subList(from, from + BATCH).stream().map(PeerRoundTrip::bytes).toList());
            }
            channel.awaitPublished(Duration.ofSeconds(30));
            BenchChannel.Consumers running = channel.consume(consumers, payload -> received.add(text(payload)));
            try {
                await("every payload handled").until(() -> received.size() >= TOTAL);
                await("every payload acknowledged").until(allAcknowledged::getAsBoolean);
            } finally {
                running.close();
            }
        }
        assertThat(received).as("each payload handled once").containsExactlyInAnyOrderElementsOf(sent);
    }

    static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer payload) {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}

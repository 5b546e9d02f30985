package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.Subscription;

/**
 * The kit's {@code publishing} group: topics are isolated and every published message arrives exactly once.
 * {@link BrokerContractTest} runs it as its nested class {@code Publishing}, so a failure reads
 * {@code Publishing.required_...}; run this group alone with {@code -Dgroups=publishing}.
 */
public abstract class PublishingContract extends BrokerFeature {
    PublishingContract(BrokerContractTest kit) {
        super(kit);
    }

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

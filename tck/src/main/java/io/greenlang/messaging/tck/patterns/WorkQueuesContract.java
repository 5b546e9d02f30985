package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.patterns.ConsumerGroup;
import io.greenlang.messaging.patterns.WorkQueue;

/**
 * The patterns kit's {@code work-queue} group: a work queue spreads tasks over its workers, retries them and dead-letters the hopeless.
 * {@link PatternsContractTest} runs it as its nested class {@code WorkQueues}, so a failure reads
 * {@code WorkQueues.required_...}; run this group alone with {@code -Dgroups=work-queue}.
 */
public abstract class WorkQueuesContract extends PatternFeature {
    WorkQueuesContract(PatternsContractTest kit) {
        super(kit);
    }

    /**
     * With three workers taking one task at a time, the first three tasks run on three different workers at
     * once, and all 100 tasks are done exactly once. Three, like the core TCK's competing members: a
     * partitioned backend spreads a topic over at least that many. If it fails, check the workers' prefetch
     * (maxInFlight 1) and that the backend hands one topic's messages to several members of a group at once.
     */
    @Test
    @DisplayName("tasks are spread over the workers and each is done once")
    void required_tasksAreSpreadOverTheWorkers() {
        String topic = topic("work");
        int workerCount = 3;
        WorkQueue queue = track(WorkQueue.create(broker(), WorkQueue.defaultOptions(broker(), topic)
                .shutdownGracePeriod(GRACE).build()));
        Set<String> busyWorkers = ConcurrentHashMap.newKeySet();
        CountDownLatch allBusy = latch(workerCount);
        AtomicBoolean gaveUp = new AtomicBoolean();
        Map<Integer, Integer> done = new ConcurrentHashMap<>();
        ConsumerGroup workers = queue.start(workerCount, d -> {
            if (busyWorkers.add(d.consumerName())) {
                allBusy.countDown();
            }
            if (!gaveUp.get() && !await(allBusy)) {
                gaveUp.set(true); // wait once: later tasks go on, and the assertion below reports it
            }
            done.merge(d.body(Integer.class), 1, Integer::sum);
        });
        queue.submitAll(IntStream.range(0, 100).boxed().toList());
        awaitCount("100 tasks done", done::size, 100);
        assertThat(gaveUp).as("some worker waited in vain for all %d to hold a task at once; busy: %s", workerCount,
                busyWorkers).isFalse();
        assertThat(done.values()).as("times each task was done").containsOnly(1);
        // a handler is counted once it returns, just after it recorded its task
        timeouts().await("the workers' statistics").untilAsserted(() -> {
            assertThat(workers.consumerStats()).hasSize(workerCount)
                    .allSatisfy(s -> assertThat(s.processed()).isPositive());
            assertThat(workers.stats().processed()).isEqualTo(100);
        });
    }

    /**
     * A task that always fails is tried three times, then dead-lettered with reason RETRIES_EXHAUSTED; the
     * other tasks are done. If it fails, check that the workers use the queue's retry policy.
     */
    @Test
    @DisplayName("a failing task is retried, then dead-lettered")
    void required_aFailingTaskIsRetriedThenDeadLettered() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("work-retry");
        WorkQueue queue = track(WorkQueue.create(broker(), WorkQueue.defaultOptions(broker(), topic)
                .retryPolicy(FAST_RETRIES).shutdownGracePeriod(GRACE).build()));
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        Set<String> done = ConcurrentHashMap.newKeySet();
        queue.start(2, d -> {
            String task = d.body(String.class);
            attempts.merge(task, 1, Integer::sum);
            if (task.equals("poison")) {
                throw new IllegalArgumentException("cannot process " + task);
            }
            done.add(task);
        });
        queue.submit("poison");
        queue.submitAll(List.of("a", "b", "c"));
        timeouts().await("the poison task in the dead-letter queue").until(() -> queue.deadLetters().count() == 1);
        DeadLetter dl = queue.deadLetters().list(10).get(0);
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.RETRIES_EXHAUSTED);
        assertThat(dl.attempts()).isEqualTo(3);
        assertThat(dl.group()).isEqualTo(queue.group());
        assertThat(dl.exceptionMessage()).isEqualTo("cannot process poison");
        awaitCount("the good tasks", done::size, 3);
        assertThat(attempts).isEqualTo(Map.of("poison", 3, "a", 1, "b", 1, "c", 1));
    }

    /**
     * Tasks submitted before any worker started are done once workers start. If it fails, check that the
     * workers' group starts at the earliest retained task.
     */
    @Test
    @DisplayName("tasks submitted before the workers start are done")
    void required_tasksSubmittedBeforeTheWorkersStartAreDone() {
        assumeCapability(Capability.START_FROM_EARLIEST);
        String topic = topic("work-early");
        WorkQueue queue = track(WorkQueue.create(broker(), WorkQueue.defaultOptions(broker(), topic)
                .shutdownGracePeriod(GRACE).build()));
        queue.submitAll(List.of("early-1", "early-2", "early-3"));
        Set<String> done = ConcurrentHashMap.newKeySet();
        queue.start(1, d -> done.add(d.body(String.class)));
        awaitCount("the early tasks", done::size, 3);
        assertThat(done).containsExactlyInAnyOrder("early-1", "early-2", "early-3");
    }
}

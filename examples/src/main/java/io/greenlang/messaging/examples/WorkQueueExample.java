package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.patterns.ConsumerGroup;
import io.greenlang.messaging.patterns.ConsumerStats;
import io.greenlang.messaging.patterns.WorkQueue;

/**
 * Work queue: 20 report tasks spread over four workers; a task that cannot be done is retried twice and ends
 * in the dead-letter queue.
 */
public final class WorkQueueExample {
    /** A task. */
    public record ReportTask(String site, int year) {
    }

    /** The tasks done, the dead letters, and each worker's statistics. */
    public record Result(Set<String> done, List<DeadLetter> deadLetters, List<ConsumerStats> workers) {
    }

    private WorkQueueExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String topic = ExampleSupport.unique("reports.tasks");
        RetryPolicy retries = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50)).build();
        Set<String> done = ConcurrentHashMap.newKeySet();
        try (WorkQueue queue = WorkQueue.create(broker, WorkQueue.defaultOptions(broker, topic).retryPolicy(retries).build())) {
            ConsumerGroup workers = queue.start(4, d -> {
                ReportTask task = d.body(ReportTask.class);
                if (task.year() < 2000) {
                    throw new IllegalArgumentException("no data before 2000 for " + task.site());
                }
                done.add(task.site());
            });
            List<ReportTask> tasks = new ArrayList<>();
            for (int i = 0; i < 19; i++) {
                tasks.add(new ReportTask("site-" + i, 2024));
            }
            tasks.add(new ReportTask("site-archive", 1990));
            queue.submitAll(tasks);
            ExampleSupport.waitUntil(() -> workers.stats().processed() == 19 && queue.deadLetters().count() == 1,
                    "the tasks");
            List<DeadLetter> dead = queue.deadLetters().list(10);
            List<ConsumerStats> stats = workers.consumerStats();
            stats.forEach(s -> out.println(s.consumerName() + ": processed " + s.processed() + ", failed " + s.failed()));
            out.println("done " + done.size() + "; dead letters: " + dead.stream()
                    .map(l -> l.exceptionMessage() + " after " + l.attempts() + " attempts").toList());
            return new Result(Set.copyOf(done), dead, stats);
        }
    }
}

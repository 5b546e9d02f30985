package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessagingTimeoutException;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The demo's GreenLang agent workflow, written against the API only:
 * <ol>
 *   <li>an intake agent publishes ESG-analysis tasks ({@link EsgTask}, JSON through the broker's codec) to
 *       {@code esg.tasks.<run>};</li>
 *   <li>a pool of analysis workers, members of group {@code analysis-workers}, analyses them with
 *       {@link Emissions} and publishes results ({@link EsgResult}) to {@code esg.results.<run>}. Every 10th task
 *       fails on its first attempt (a simulated timeout of an emission-factor service) and succeeds when retried;
 *       one poison task has a unit no one can convert, fails on every attempt and lands in the dead-letter queue
 *       once the retry policy gives up;</li>
 *   <li>results fan out to two groups: a report writer that aggregates them per site
 *       ({@link EsgReportWriter}), and an auditor that checks every result's provenance hash with
 *       {@link Broker#verifyProvenance} ({@link EsgAuditor}).</li>
 * </ol>
 * The run waits for completion against a deadline, then reads the dead letter, the lag of every group and the
 * broker's metrics. Topic names are unique per run, so runs never see each other's messages.
 */
final class EsgWorkflow {
    static final String WORKERS = "analysis-workers";
    static final String REPORT_WRITER = "report-writer";
    static final String AUDITOR = "auditor";
    static final int MAX_ATTEMPTS = 3;

    /** What a run did; see {@link DemoCommand} for how it is printed. */
    record Summary(String runId, String broker, String tasksTopic, String resultsTopic, int tasks, int workers,
            long resultsPublished, long reportsWritten, long auditsPassed, long auditsFailed, long retries,
            long deadLetters, Optional<DeadLetter> poison, Duration elapsed, Histogram endToEndMicros,
            MetricsSnapshot metrics, List<ConsumerLag> lags, Map<String, Long> perWorker, Map<String, Long> ratings,
            int sites, double totalTonnes, Map<String, Double> tonnesPerSite) {
    }

    private final Broker broker;
    private final int tasks;
    private final int workers;
    private final Duration workTime;
    private final int rate;
    private final Duration timeout;
    private final String runId;
    private final String tasksTopic;
    private final String resultsTopic;
    private final int poisonTask;

    private final AtomicLong resultsPublished = new AtomicLong();
    private final Map<String, AtomicLong> perWorker = new ConcurrentHashMap<>();
    private final EsgReportWriter reportWriter;
    private final EsgAuditor auditor;

    /**
     * @param rate tasks per second the intake agent publishes, or 0 to publish them all at once (in batches)
     */
    EsgWorkflow(Broker broker, int tasks, int workers, Duration workTime, int rate, Duration timeout) {
        this.broker = broker;
        this.tasks = tasks;
        this.workers = workers;
        this.workTime = workTime;
        this.rate = rate;
        this.timeout = timeout;
        this.runId = randomId();
        this.tasksTopic = "esg.tasks." + runId;
        this.resultsTopic = "esg.results." + runId;
        this.poisonTask = poisonTaskNumber(tasks);
        this.reportWriter = new EsgReportWriter(tasks - 1); // every task but the poison one
        this.auditor = new EsgAuditor(broker, tasks - 1);
    }

    /** The poison task: two thirds in, never a multiple of 10 (those fail once by design). */
    static int poisonTaskNumber(int tasks) {
        int n = tasks * 2 / 3 + 1;
        if (n > tasks) {
            n = tasks;
        }
        return n % 10 == 0 ? n - 1 : n;
    }

    String runId() {
        return runId;
    }

    String tasksTopic() {
        return tasksTopic;
    }

    String resultsTopic() {
        return resultsTopic;
    }

    int poisonTask() {
        return poisonTask;
    }

    /** The site of task {@code taskNo}. */
    static String siteOf(int taskNo) {
        return "site-" + (taskNo % 25 + 1);
    }

    /**
     * Runs the workflow to completion and returns what happened.
     *
     * @param onProgress hears a progress line now and then, from this thread
     * @throws MessagingTimeoutException if it does not finish within the timeout
     */
    Summary run(Consumer<String> onProgress) {
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            subscriptions.add(broker.subscribe(SubscriptionOptions.builder(resultsTopic, REPORT_WRITER)
                    .consumerName("report-writer-1").startPosition(StartPosition.EARLIEST).build(),
                    reportWriter::write));
            subscriptions.add(broker.subscribe(SubscriptionOptions.builder(resultsTopic, AUDITOR)
                    .consumerName("auditor-1").startPosition(StartPosition.EARLIEST).build(), auditor::audit));
            RetryPolicy retry = RetryPolicy.builder()
                    .maxAttempts(MAX_ATTEMPTS)
                    .initialBackoff(Duration.ofMillis(20))
                    .multiplier(2)
                    .maxBackoff(Duration.ofMillis(200))
                    .jitter(0.2)
                    .build();
            for (int i = 1; i <= workers; i++) {
                String name = "analysis-worker-" + i;
                perWorker.put(name, new AtomicLong());
                subscriptions.add(broker.subscribe(SubscriptionOptions.builder(tasksTopic, WORKERS)
                        .consumerName(name)
                        .startPosition(StartPosition.EARLIEST)
                        .maxInFlight(2) // take few at a time, so the pool shares the work
                        .retryPolicy(retry)
                        .build(), delivery -> analyse(name, delivery)));
            }

            long start = System.nanoTime();
            intake(start);
            awaitCompletion(start, onProgress);
            Duration elapsed = Duration.ofNanos(reportWriter.lastReportNanos() - start);

            // Closing lets running handlers finish and applies every acknowledgement before lag is read.
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            subscriptions.forEach(s -> closing.add(s.closeAsync().toCompletableFuture()));
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).join();

            DeadLetterQueue dlq = broker.deadLetters(tasksTopic, WORKERS);
            List<DeadLetter> letters = dlq.list(10);
            List<ConsumerLag> lags = List.of(broker.lag(tasksTopic, WORKERS), broker.lag(resultsTopic, REPORT_WRITER),
                    broker.lag(resultsTopic, AUDITOR));
            Map<String, Long> workerCounts = new TreeMap<>();
            perWorker.forEach((k, v) -> workerCounts.put(k, v.get()));
            Map<String, Double> tonnesPerSite = reportWriter.tonnesPerSite();
            MetricsSnapshot metrics = broker.metrics();
            return new Summary(runId, broker.name(), tasksTopic, resultsTopic, tasks, workers, resultsPublished.get(),
                    reportWriter.written(), auditor.passed(), auditor.failed(), metrics.retried(), dlq.count(),
                    letters.stream().findFirst(), elapsed, reportWriter.latencyMicros(), metrics, lags, workerCounts,
                    reportWriter.ratings(), tonnesPerSite.size(), reportWriter.totalTonnes(), tonnesPerSite);
        } finally {
            subscriptions.forEach(Subscription::close);
        }
    }

    /**
     * Runs what the agents use (publishing, delivery, acknowledgement, the codec for the task and result records,
     * provenance hashing) {@code rounds} times on {@code broker} before the clock starts, so the figures show the
     * workflow rather than the JVM's class loading and JIT compilation. Pass a broker of its own, so the
     * workflow's broker metrics count the workflow only.
     *
     * @throws MessagingTimeoutException if the warm-up messages are not all handled within {@code timeout}
     */
    static void warmUp(Broker broker, int rounds, Duration timeout) {
        String topic = "esg.warm-up." + randomId();
        CountDownLatch handled = new CountDownLatch(rounds);
        Subscription warm = broker.subscribe(SubscriptionOptions.builder(topic, WORKERS)
                .startPosition(StartPosition.EARLIEST).build(), d -> {
                    EsgTask task = d.body(EsgTask.class);
                    EsgResult result = new EsgResult(task.taskNo(), task.siteId(), task.metric(), 1.0,
                            Emissions.rating(1.0), "warm-up", d.attempt(), d.message().id(), "",
                            d.message().createdAt());
                    broker.codec().decode(broker.codec().encode(result), EsgResult.class);
                    broker.verifyProvenance(d.message());
                    handled.countDown();
                });
        try {
            for (int i = 1; i <= rounds; i++) {
                broker.publish(Message.builder(topic).body(Emissions.task(i, 0), broker.codec()).build());
            }
            if (!handled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new MessagingTimeoutException("The demo's warm-up did not finish within " + timeout.toSeconds()
                        + " s: " + handled.getCount() + " of " + rounds + " messages left. Try a longer "
                        + "--timeout.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingTimeoutException("Interrupted during the demo's warm-up", e);
        } finally {
            warm.close();
        }
    }

    // ---- the intake agent

    /** Publishes the tasks: one by one at the configured rate, or all at once in batches of 50. */
    private void intake(long start) {
        List<Message> batch = new ArrayList<>();
        for (int taskNo = 1; taskNo <= tasks; taskNo++) {
            EsgTask task = Emissions.task(taskNo, poisonTask);
            if (rate > 0) {
                long due = start + (long) ((taskNo - 1) * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            batch.add(Message.builder(tasksTopic)
                    .body(task, broker.codec())
                    .key(task.siteId())
                    .header("agent", "intake")
                    .header("tenant", "acme-renewables")
                    .priority(task.metric().equals("scope1") ? 6 : Message.DEFAULT_PRIORITY)
                    .build());
            if (rate > 0 || batch.size() == 50) {
                broker.publishAll(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            broker.publishAll(batch);
        }
    }

    // ---- the analysis workers

    private void analyse(String worker, Delivery delivery) {
        EsgTask task = delivery.body(EsgTask.class);
        double factor = Emissions.factorOf(task); // fails for the poison task, on every attempt
        if (task.taskNo() % 10 == 0 && delivery.attempt() == 1) {
            throw new TransientServiceException("emission-factor service timed out for task " + task.taskNo()
                    + " (simulated)");
        }
        if (!workTime.isZero()) {
            LockSupport.parkNanos(workTime.toNanos()); // the analysis itself, simulated
        }
        double tonnes = Emissions.tonnesCo2e(task, factor);
        Message taskMessage = delivery.message();
        EsgResult result = new EsgResult(task.taskNo(), task.siteId(), task.metric(), tonnes,
                Emissions.rating(tonnes), worker, delivery.attempt(), taskMessage.id(),
                taskMessage.provenanceHash().orElse(""), taskMessage.createdAt());
        broker.publish(Message.builder(resultsTopic)
                .body(result, broker.codec())
                .key(task.siteId())
                .correlationId(taskMessage.id())
                .header("agent", worker)
                .build());
        resultsPublished.incrementAndGet();
        perWorker.get(worker).incrementAndGet();
    }

    // ---- waiting

    private void awaitCompletion(long start, Consumer<String> onProgress) {
        long deadline = start + timeout.toNanos();
        DeadLetterQueue dlq = broker.deadLetters(tasksTopic, WORKERS);
        try {
            while (true) {
                boolean done = reportWriter.remaining() == 0 && auditor.remaining() == 0 && dlq.count() >= 1;
                if (done) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new MessagingTimeoutException("The demo did not finish within " + timeout.toSeconds()
                            + " s: " + reportWriter.written() + " of " + (tasks - 1) + " reports written, "
                            + (auditor.passed() + auditor.failed()) + " audits, " + dlq.count()
                            + " of 1 dead letters. Try a longer --timeout.");
                }
                onProgress.accept(reportWriter.written() + "/" + (tasks - 1) + " reports, "
                        + (auditor.passed() + auditor.failed()) + " audits, " + dlq.count() + "/1 dead letters");
                long slice = Math.min(left, TimeUnit.MILLISECONDS.toNanos(
                        reportWriter.remaining() + auditor.remaining() > 0 ? 50 : 5));
                if (reportWriter.remaining() > 0) {
                    reportWriter.await(slice);
                } else if (auditor.remaining() > 0) {
                    auditor.await(slice);
                } else {
                    LockSupport.parkNanos(slice); // the dead letter lands right after the last failed attempt
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingTimeoutException("Interrupted while waiting for the demo to finish", e);
        }
    }

    /** Six base-36 characters, so that every run has topics of its own. */
    private static String randomId() {
        long min = 36L * 36 * 36 * 36 * 36;
        return Long.toString(ThreadLocalRandom.current().nextLong(min, min * 36), 36);
    }

    /** A failure that goes away when retried: the simulated emission-factor service timed out. */
    static final class TransientServiceException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransientServiceException(String message) {
            super(message);
        }
    }
}

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import org.HdrHistogram.Recorder;

/**
 * The demo's GreenLang agent workflow, written against the API only:
 * <ol>
 *   <li>an intake agent publishes ESG-analysis tasks (JSON through the broker's codec) to
 *       {@code esg.tasks.<run>};</li>
 *   <li>a pool of analysis workers, members of group {@code analysis-workers}, analyses them and publishes
 *       results to {@code esg.results.<run>}. Every 10th task fails on its first attempt (a simulated timeout of
 *       an emission-factor service) and succeeds when retried; one poison task has a unit no one can convert,
 *       fails on every attempt and lands in the dead-letter queue once the retry policy gives up;</li>
 *   <li>results fan out to two groups: a report writer that aggregates them per site, and an auditor that
 *       checks every result's provenance hash with {@link Broker#verifyProvenance}.</li>
 * </ol>
 * The run waits for completion against a deadline, then reads the dead letter, the lag of every group and the
 * broker's metrics. Topic names are unique per run, so runs never see each other's messages.
 */
final class EsgWorkflow {
    static final String WORKERS = "analysis-workers";
    static final String REPORT_WRITER = "report-writer";
    static final String AUDITOR = "auditor";
    static final int MAX_ATTEMPTS = 3;
    static final String POISON_UNIT = "furlongs";

    private static final String[] METRICS = {"scope1", "scope2", "scope3"};
    private static final String[] UNITS = {"litres-diesel", "kWh", "tonne-km"};
    private static final double[] FACTORS = {0.00268, 0.000233, 0.000105}; // tCO2e per unit

    /** An ESG-analysis task as the intake agent publishes it. */
    public record EsgTask(int taskNo, String siteId, String metric, String unit, List<Double> readings,
            String reportingPeriod) {
    }

    /** An analysis result as a worker publishes it. */
    public record EsgResult(int taskNo, String siteId, String metric, double tonnesCo2e, String rating,
            String worker, int attempts, String taskMessageId, String taskProvenance, Instant taskCreatedAt) {
    }

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
    private final AtomicLong reportsWritten = new AtomicLong();
    private final AtomicLong auditsPassed = new AtomicLong();
    private final AtomicLong auditsFailed = new AtomicLong();
    private final Map<String, AtomicLong> perWorker = new ConcurrentHashMap<>();
    private final Map<String, Double> tonnesPerSite = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ratings = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(TimeUnit.HOURS.toMicros(1), 3);
    private final CountDownLatch reported;
    private final CountDownLatch audited;
    private final AtomicLong lastReportNanos = new AtomicLong();

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
        this.reported = new CountDownLatch(tasks - 1);
        this.audited = new CountDownLatch(tasks - 1);
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
                    .consumerName("report-writer-1").startPosition(StartPosition.EARLIEST).build(), this::writeReport));
            subscriptions.add(broker.subscribe(SubscriptionOptions.builder(resultsTopic, AUDITOR)
                    .consumerName("auditor-1").startPosition(StartPosition.EARLIEST).build(), this::audit));
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
            Duration elapsed = Duration.ofNanos(lastReportNanos.get() - start);

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
            Map<String, Long> ratingCounts = new TreeMap<>();
            ratings.forEach((k, v) -> ratingCounts.put(k, v.get()));
            double total = tonnesPerSite.values().stream().mapToDouble(Double::doubleValue).sum();
            MetricsSnapshot metrics = broker.metrics();
            return new Summary(runId, broker.name(), tasksTopic, resultsTopic, tasks, workers, resultsPublished.get(),
                    reportsWritten.get(), auditsPassed.get(), auditsFailed.get(), metrics.retried(), dlq.count(),
                    letters.stream().findFirst(), elapsed, latency.getIntervalHistogram(), metrics, lags, workerCounts,
                    ratingCounts, tonnesPerSite.size(), total, new TreeMap<>(tonnesPerSite));
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
                    EsgResult result = new EsgResult(task.taskNo(), task.siteId(), task.metric(), 1.0, rating(1.0),
                            "warm-up", d.attempt(), d.message().id(), "", d.message().createdAt());
                    broker.codec().decode(broker.codec().encode(result), EsgResult.class);
                    broker.verifyProvenance(d.message());
                    handled.countDown();
                });
        try {
            for (int i = 1; i <= rounds; i++) {
                broker.publish(Message.builder(topic).body(task(i, 0), broker.codec()).build());
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
            EsgTask task = task(taskNo);
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

    private EsgTask task(int taskNo) {
        return task(taskNo, poisonTask);
    }

    private static EsgTask task(int taskNo, int poisonTask) {
        int kind = taskNo % METRICS.length;
        List<Double> readings = new ArrayList<>(12);
        int site = taskNo % 25 + 1;
        double scale = site * (kind == 0 ? 0.02 : kind == 1 ? 0.5 : 1.0); // sites differ in size and kind
        long seed = taskNo * 2654435761L;
        for (int month = 0; month < 12; month++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            readings.add(Math.round(scale * (1000 + (seed >>> 33) % 9000) * 10) / 10.0);
        }
        String unit = taskNo == poisonTask ? POISON_UNIT : UNITS[kind];
        return new EsgTask(taskNo, "site-" + site, METRICS[kind], unit, readings, "2025");
    }

    // ---- the analysis workers

    private void analyse(String worker, Delivery delivery) {
        EsgTask task = delivery.body(EsgTask.class);
        int kind = indexOf(UNITS, task.unit());
        if (kind < 0) {
            throw new IllegalArgumentException("task " + task.taskNo() + ": unknown unit '" + task.unit()
                    + "', cannot convert to tCO2e");
        }
        if (task.taskNo() % 10 == 0 && delivery.attempt() == 1) {
            throw new TransientServiceException("emission-factor service timed out for task " + task.taskNo()
                    + " (simulated)");
        }
        if (!workTime.isZero()) {
            LockSupport.parkNanos(workTime.toNanos()); // the analysis itself, simulated
        }
        double sum = task.readings().stream().mapToDouble(Double::doubleValue).sum();
        double tonnes = Math.round(sum * FACTORS[kind] * 1000) / 1000.0;
        Message taskMessage = delivery.message();
        EsgResult result = new EsgResult(task.taskNo(), task.siteId(), task.metric(), tonnes, rating(tonnes), worker,
                delivery.attempt(), taskMessage.id(), taskMessage.provenanceHash().orElse(""), taskMessage.createdAt());
        broker.publish(Message.builder(resultsTopic)
                .body(result, broker.codec())
                .key(task.siteId())
                .correlationId(taskMessage.id())
                .header("agent", worker)
                .build());
        resultsPublished.incrementAndGet();
        perWorker.get(worker).incrementAndGet();
    }

    private static String rating(double tonnes) {
        if (tonnes < 10) {
            return "A";
        } else if (tonnes < 25) {
            return "B";
        } else if (tonnes < 50) {
            return "C";
        } else if (tonnes < 100) {
            return "D";
        }
        return "E";
    }

    // ---- the report writer and the auditor

    private void writeReport(Delivery delivery) {
        EsgResult result = delivery.body(EsgResult.class);
        tonnesPerSite.merge(result.siteId(), result.tonnesCo2e(), Double::sum);
        ratings.computeIfAbsent(result.rating(), r -> new AtomicLong()).incrementAndGet();
        long micros = ChronoUnit.MICROS.between(result.taskCreatedAt(), Instant.now());
        latency.recordValue(Math.max(0, Math.min(micros, TimeUnit.HOURS.toMicros(1))));
        reportsWritten.incrementAndGet();
        lastReportNanos.accumulateAndGet(System.nanoTime(), Math::max);
        reported.countDown();
    }

    private void audit(Delivery delivery) {
        Message m = delivery.message();
        EsgResult result = delivery.body(EsgResult.class);
        boolean ok = broker.verifyProvenance(m)
                && result.taskProvenance().matches("[0-9a-f]{64}")
                && m.correlationId().map(result.taskMessageId()::equals).orElse(false);
        (ok ? auditsPassed : auditsFailed).incrementAndGet();
        audited.countDown();
    }

    // ---- waiting

    private void awaitCompletion(long start, Consumer<String> onProgress) {
        long deadline = start + timeout.toNanos();
        DeadLetterQueue dlq = broker.deadLetters(tasksTopic, WORKERS);
        try {
            while (true) {
                boolean done = reported.getCount() == 0 && audited.getCount() == 0 && dlq.count() >= 1;
                if (done) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new MessagingTimeoutException("The demo did not finish within " + timeout.toSeconds()
                            + " s: " + reportsWritten.get() + " of " + (tasks - 1) + " reports written, "
                            + (auditsPassed.get() + auditsFailed.get()) + " audits, " + dlq.count()
                            + " of 1 dead letters. Try a longer --timeout.");
                }
                onProgress.accept(reportsWritten.get() + "/" + (tasks - 1) + " reports, "
                        + (auditsPassed.get() + auditsFailed.get()) + " audits, " + dlq.count() + "/1 dead letters");
                long slice = Math.min(left, TimeUnit.MILLISECONDS.toNanos(reported.getCount() + audited.getCount() > 0
                        ? 50 : 5));
                if (reported.getCount() > 0) {
                    reported.await(slice, TimeUnit.NANOSECONDS);
                } else if (audited.getCount() > 0) {
                    audited.await(slice, TimeUnit.NANOSECONDS);
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

    private static int indexOf(String[] values, String value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }

    /** A failure that goes away when retried: the simulated emission-factor service timed out. */
    static final class TransientServiceException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransientServiceException(String message) {
            super(message);
        }
    }
}

package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessagingTimeoutException;
import io.greenlang.messaging.patterns.CircuitBreaker;
import io.greenlang.messaging.patterns.CircuitBreakerOptions;
import io.greenlang.messaging.patterns.CircuitOpenException;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;
import io.greenlang.messaging.patterns.RequestFailedException;
import io.greenlang.messaging.patterns.SagaCoordinator;
import io.greenlang.messaging.patterns.SagaCoordinatorOptions;
import io.greenlang.messaging.patterns.SagaDefinition;
import io.greenlang.messaging.patterns.SagaFailedException;
import io.greenlang.messaging.patterns.SagaResult;
import io.greenlang.messaging.patterns.SagaStep;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The demo's three acts after the ESG workflow, on the same broker, written against the API and the patterns
 * module only. Topic names carry the workflow's run id, so runs never see each other's messages.
 * <ol>
 *   <li>An LLM-style analyst agent (a {@link ReplyService} with a deterministic, canned answer generator) answers
 *       questions about the workflow's results; a {@link RequestClient} asks them all at once.</li>
 *   <li>A report saga (collect data, run analysis, publish report), each step a request to an agent with a
 *       compensation; it completes for one site, and for the site whose data is incomplete (the poison task's)
 *       the publish step fails and the two completed steps are compensated in reverse order.</li>
 *   <li>A {@link CircuitBreaker} around requests to a failing forecast agent: it opens after
 *       {@link #FAILURE_THRESHOLD} failures, refuses calls at once while open, lets a trial call through after
 *       the cool-down, and closes again once the agent has recovered.</li>
 * </ol>
 */
final class PatternActs {
    static final int FAILURE_THRESHOLD = 3;
    static final int BREAKER_CALLS = 5; // calls to the failing agent: FAILURE_THRESHOLD fail, the rest are refused
    static final Duration COOL_DOWN = Duration.ofMillis(250); // short, yet far longer than two refused calls take
    static final String PUBLISH_STEP = "publish-report";

    /** A question to the analyst agent. */
    public record Question(int no, String site, String text) {
    }

    /** The analyst agent's answer. */
    public record Answer(int no, String site, String text, String model) {
    }

    /** The input of the report saga. */
    public record ReportRequest(String site, boolean complete) {
    }

    /** What the acts did; see {@link DemoCommand} for how it is printed. */
    record Result(int asked, int answered, long p50Micros, long p99Micros, RequestClient.Stats clientStats,
            ReplyService.Stats agentStats, String okSite, SagaResult completed, String failSite, SagaResult failed,
            List<String> failedExchanges, List<String> transitions, long breakerFailures, long rejected,
            long breakerSuccesses, long agentCalls, long rejectMicros) {
    }

    private final Broker broker;
    private final String runId;
    private final Duration timeout;
    private final PrintWriter out;

    PatternActs(Broker broker, String runId, Duration timeout, PrintWriter out) {
        this.broker = broker;
        this.runId = runId;
        this.timeout = timeout;
        this.out = out;
    }

    /**
     * Runs the three acts.
     *
     * @param requests questions the client asks the analyst agent at once
     * @param tonnesPerSite the workflow's footprint per site
     * @param poisonTask the task in the dead-letter queue: its site's data is incomplete
     */
    Result run(int requests, Map<String, Double> tonnesPerSite, int poisonTask) {
        List<String> sites = new ArrayList<>(tonnesPerSite.keySet());
        if (sites.isEmpty()) {
            sites.add("site-1");
        }
        String failSite = EsgWorkflow.siteOf(poisonTask);
        String okSite = sites.stream().filter(s -> !s.equals(failSite)).findFirst().orElse("site-0");

        out.println();
        out.println("Act 1: analyst agent (request-reply) on agents.analyst." + runId);
        out.flush();
        AnalystAct analyst = analyst(requests, sites, tonnesPerSite);

        out.println();
        out.println("Act 2: report saga (collect-data -> run-analysis -> publish-report) on report.*." + runId);
        out.flush();
        SagaAct saga = saga(okSite, failSite);

        out.println();
        out.println("Act 3: circuit breaker around agents.forecast." + runId + " (threshold " + FAILURE_THRESHOLD
                + ", cool-down " + COOL_DOWN.toMillis() + " ms)");
        out.flush();
        BreakerAct breaker = breaker();

        return new Result(requests, analyst.answered, analyst.p50Micros, analyst.p99Micros, analyst.clientStats,
                analyst.agentStats, okSite, saga.completed, failSite, saga.failed, saga.failedExchanges,
                breaker.transitions, breaker.stats.failures(), breaker.stats.rejected(), breaker.stats.successes(),
                breaker.agentCalls, breaker.rejectMicros);
    }

    // ---- act 1: request-reply

    private record AnalystAct(int answered, long p50Micros, long p99Micros, RequestClient.Stats clientStats,
            ReplyService.Stats agentStats) {
    }

    private AnalystAct analyst(int requests, List<String> sites, Map<String, Double> tonnesPerSite) {
        String topic = "agents.analyst." + runId;
        double total = tonnesPerSite.values().stream().mapToDouble(Double::doubleValue).sum();
        try (ReplyService agent = ReplyService.start(broker, topic, request -> {
                    Question q = request.body(Question.class);
                    return new Answer(q.no(), q.site(), complete(q, tonnesPerSite, total), "canned-analyst-1");
                });
                RequestClient client = RequestClient.create(broker)) {
            List<CompletableFuture<Answer>> answers = new ArrayList<>(requests);
            long[] micros = new long[requests];
            for (int i = 0; i < requests; i++) {
                String site = sites.get(i % sites.size());
                Question q = new Question(i + 1, site, "What is the footprint of " + site + "?");
                int slot = i;
                long sent = System.nanoTime();
                answers.add(client.requestAsync(topic, q, Answer.class, timeout).toCompletableFuture()
                        .whenComplete((a, e) -> micros[slot] = (System.nanoTime() - sent) / 1000));
            }
            await(CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])), "the analyst's answers");
            int answered = 0;
            Answer sample = null;
            for (int i = 0; i < requests; i++) {
                Answer a = answers.get(i).join();
                if (a.no() == i + 1 && a.site().equals(sites.get(i % sites.size()))) { // correlated with its question
                    answered++;
                    sample = sample == null ? a : sample;
                }
            }
            long[] sorted = micros.clone();
            Arrays.sort(sorted);
            if (sample != null) {
                out.println("  asked " + requests + " questions at once; e.g. \"What is the footprint of "
                        + sample.site() + "?\" -> \"" + sample.text() + "\"");
            }
            out.flush();
            return new AnalystAct(answered, percentile(sorted, 50), percentile(sorted, 99), client.stats(),
                    agent.stats());
        }
    }

    /** Stands in for a language model: a deterministic answer from the workflow's results. */
    private static String complete(Question q, Map<String, Double> tonnesPerSite, double total) {
        Double tonnes = tonnesPerSite.get(q.site());
        if (tonnes == null) {
            return "I have no results for " + q.site() + ".";
        }
        return String.format(Locale.ROOT, "%s emitted %,.1f tCO2e in 2025, %.1f%% of the portfolio.", q.site(),
                tonnes, total > 0 ? 100 * tonnes / total : 0.0);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    // ---- act 2: saga

    private record SagaAct(SagaResult completed, SagaResult failed, List<String> failedExchanges) {
    }

    private SagaAct saga(String okSite, String failSite) {
        String p = "report." + runId;
        Duration stepTimeout = timeout;
        SagaDefinition report = SagaDefinition.builder("esg-report")
                .step(SagaStep.builder("collect-data").request(p + ".collect").compensateWithRequest(p + ".discard")
                        .timeout(stepTimeout).build())
                .step(SagaStep.builder("run-analysis").request(p + ".analyse").compensateWithRequest(p + ".cancel")
                        .timeout(stepTimeout).build())
                .step(SagaStep.builder(PUBLISH_STEP).request(p + ".publish").timeout(stepTimeout).build())
                .build();
        List<String> exchanges = Collections.synchronizedList(new ArrayList<>());
        List<ReplyService> agents = new ArrayList<>();
        try {
            agents.add(sagaAgent(p + ".collect", exchanges, r -> "dataset-" + r.site()));
            agents.add(sagaAgent(p + ".discard", exchanges, r -> "discarded"));
            agents.add(sagaAgent(p + ".analyse", exchanges, r -> "analysis-" + r.site()));
            agents.add(sagaAgent(p + ".cancel", exchanges, r -> "cancelled"));
            agents.add(sagaAgent(p + ".publish", exchanges, r -> {
                if (!r.complete()) {
                    throw new IllegalStateException("the report portal rejects " + r.site()
                            + ": its data is incomplete (a task is in the dead-letter queue)");
                }
                return "https://reports.example/2025/" + r.site();
            }));
            try (SagaCoordinator sagas = SagaCoordinator.start(broker,
                    SagaCoordinatorOptions.builder(p + ".sagas").build(), report)) {
                SagaResult ok = sagas.run("esg-report", new ReportRequest(okSite, true));
                out.println("  " + okSite + ": " + ok.status() + ", steps " + String.join(" -> ", ok.replies().keySet())
                        + "; report at " + ok.reply(PUBLISH_STEP, String.class));
                exchanges.clear();
                SagaResult failed;
                try {
                    SagaResult unexpected = sagas.run("esg-report", new ReportRequest(failSite, false));
                    throw new IllegalStateException("the report saga for " + failSite + " should have failed: "
                            + unexpected);
                } catch (SagaFailedException e) {
                    failed = e.result();
                }
                out.println("  " + failSite + ": " + failed.status() + ", " + failed.failedStep().orElse("?")
                        + " failed: " + remoteMessage(failed.failure().orElse("?")));
                out.println("  compensated in reverse order: " + String.join(" -> ", failed.compensated()));
                out.println("  exchanges: " + String.join(", ", exchanges));
                out.flush();
                return new SagaAct(ok, failed, List.copyOf(exchanges));
            }
        } finally {
            agents.forEach(ReplyService::close);
        }
    }

    /** An agent that records each exchange ("execute:step" or "compensate:step") and answers with {@code work}. */
    private ReplyService sagaAgent(String topic, List<String> exchanges, Function<ReportRequest, String> work) {
        return ReplyService.start(broker, topic, request -> {
            String action = request.message().header(SagaCoordinator.ACTION_HEADER).orElse("?");
            String step = request.message().header(SagaCoordinator.STEP_HEADER).orElse("?");
            exchanges.add(action + ":" + step);
            // an action receives the saga's input; a compensation receives its step's reply
            return action.equals("execute") ? work.apply(request.body(ReportRequest.class)) : "undone " + step;
        });
    }

    // ---- act 3: circuit breaker

    private record BreakerAct(List<String> transitions, CircuitBreaker.Stats stats, long agentCalls,
            long rejectMicros) {
    }

    private BreakerAct breaker() {
        String topic = "agents.forecast." + runId;
        AtomicBoolean healthy = new AtomicBoolean(false);
        AtomicInteger agentCalls = new AtomicInteger();
        List<String> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder()
                .name("forecast-agent")
                .failureThreshold(FAILURE_THRESHOLD)
                .coolDown(COOL_DOWN)
                .trialCalls(1)
                .listener(t -> transitions.add(t.from() + " -> " + t.to()))
                .build());
        try (ReplyService agent = ReplyService.start(broker, topic, request -> {
                    agentCalls.incrementAndGet();
                    if (!healthy.get()) {
                        throw new IllegalStateException("forecast model overloaded (simulated)");
                    }
                    return "2026 forecast for " + request.body(String.class) + ": -4.2% tCO2e";
                });
                RequestClient client = RequestClient.create(broker)) {
            long rejectNanos = 0;
            for (int i = 1; i <= BREAKER_CALLS; i++) {
                String site = "site-" + i;
                long start = System.nanoTime();
                try {
                    await(breaker.callAsync(() -> client.requestAsync(topic, site, String.class, timeout))
                            .toCompletableFuture(), "the forecast agent");
                    throw new IllegalStateException("the forecast agent should have failed while unhealthy");
                } catch (CompletionException e) {
                    long took = System.nanoTime() - start;
                    Throwable cause = e.getCause();
                    if (cause instanceof CircuitOpenException) {
                        rejectNanos += took;
                        out.println("  call " + i + " rejected fast (" + ms(took) + "): breaker " + breaker.state());
                    } else {
                        String why = cause instanceof RequestFailedException f ? f.remoteMessage() : String.valueOf(cause);
                        out.println("  call " + i + " failed (" + ms(took) + "): " + why + "; breaker "
                                + breaker.state());
                    }
                }
            }
            healthy.set(true);
            out.println("  the agent recovers; waiting out the cool-down");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (breaker.state() != CircuitBreaker.State.HALF_OPEN) {
                if (System.nanoTime() > deadline) {
                    throw new MessagingTimeoutException("The circuit breaker did not become HALF_OPEN within "
                            + timeout.toSeconds() + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            String answer = await(breaker.callAsync(() -> client.requestAsync(topic, "site-1", String.class, timeout))
                    .toCompletableFuture(), "the trial call");
            out.println("  trial call: \"" + answer + "\"; breaker " + breaker.state());
            out.println("  transitions: " + String.join(", ", transitions) + " (agent saw "
                    + (agent.stats().handled() + agent.stats().failed()) + " requests)");
            out.flush();
            CircuitBreaker.Stats stats = breaker.stats();
            return new BreakerAct(List.copyOf(transitions), stats, agentCalls.get(),
                    stats.rejected() == 0 ? 0 : rejectNanos / 1000 / stats.rejected());
        }
    }

    // ---- waiting

    /**
     * Waits for {@code future} within the timeout.
     *
     * @throws CompletionException if it failed, with its cause
     * @throws MessagingTimeoutException if it did not complete in time
     */
    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            throw new CompletionException(cause);
        } catch (TimeoutException e) {
            throw new MessagingTimeoutException("The demo gave up waiting for " + what + " after "
                    + timeout.toSeconds() + " s. Try a longer --timeout.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingTimeoutException("Interrupted while waiting for " + what, e);
        }
    }

    /** The innermost exception message of a failure description such as {@code "a.B: ... c.D: why"}. */
    static String remoteMessage(String failure) {
        int i = failure.lastIndexOf("Exception: ");
        return i < 0 ? failure : failure.substring(i + "Exception: ".length());
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}

package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.SagaCoordinator;
import io.greenlang.messaging.patterns.SagaCoordinatorOptions;
import io.greenlang.messaging.patterns.SagaDefinition;
import io.greenlang.messaging.patterns.SagaFailedException;
import io.greenlang.messaging.patterns.SagaResult;
import io.greenlang.messaging.patterns.SagaStep;

/**
 * Saga: an ESG report is made in three steps, each a request to an agent with a compensation. For one site it
 * completes; for another the last step fails and the first two are compensated, in reverse order. The saga's
 * progress is in the broker, so a restarted coordinator would resume it.
 */
public final class SagaExample {
    /** The saga's input. */
    public record ReportRequest(String site) {
    }

    /** The completed saga, the failed one, and every exchange the agents saw, in order. */
    public record Result(SagaResult completed, SagaResult compensated, List<String> exchanges) {
    }

    private SagaExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String p = ExampleSupport.unique("report");
        SagaDefinition report = SagaDefinition.builder("esg-report")
                .step(SagaStep.builder("collect-data").request(p + ".collect").compensateWithRequest(p + ".discard")
                        .timeout(Duration.ofSeconds(5)).build())
                .step(SagaStep.builder("run-analysis").request(p + ".analyse").compensateWithRequest(p + ".cancel")
                        .timeout(Duration.ofSeconds(5)).build())
                .step(SagaStep.builder("publish-report").request(p + ".publish").timeout(Duration.ofSeconds(5)).build())
                .build();
        List<String> exchanges = java.util.Collections.synchronizedList(new ArrayList<>());
        List<ReplyService> agents = new ArrayList<>();
        try {
            agents.add(agent(broker, p + ".collect", exchanges, r -> "dataset-" + r.site()));
            agents.add(agent(broker, p + ".discard", exchanges, r -> "discarded"));
            agents.add(agent(broker, p + ".analyse", exchanges, r -> "analysis-" + r.site()));
            agents.add(agent(broker, p + ".cancel", exchanges, r -> "cancelled"));
            agents.add(agent(broker, p + ".publish", exchanges, r -> {
                if (r.site().equals("site-offline")) {
                    throw new IllegalStateException("the report portal is down");
                }
                return "https://reports.example/" + r.site();
            }));
            try (SagaCoordinator sagas = SagaCoordinator.start(broker, SagaCoordinatorOptions.builder(p + ".sagas").build(),
                    report)) {
                SagaResult ok = sagas.run("esg-report", new ReportRequest("site-42"));
                out.println("completed: " + ok + "; report at " + ok.reply("publish-report", String.class));
                SagaResult failed;
                try {
                    sagas.run("esg-report", new ReportRequest("site-offline"));
                    throw new IllegalStateException("the saga should have failed");
                } catch (SagaFailedException e) {
                    failed = e.result();
                    out.println("failed: " + e.getMessage());
                }
                out.println("exchanges: " + exchanges);
                return new Result(ok, failed, List.copyOf(exchanges));
            }
        } finally {
            agents.forEach(ReplyService::close);
        }
    }

    /** An agent that records each exchange ("execute:step" or "compensate:step") and answers with {@code work}. */
    private static ReplyService agent(Broker broker, String topic, List<String> exchanges,
            java.util.function.Function<ReportRequest, String> work) {
        return ReplyService.start(broker, topic, request -> {
            String action = request.message().header(SagaCoordinator.ACTION_HEADER).orElse("?");
            String step = request.message().header(SagaCoordinator.STEP_HEADER).orElse("?");
            exchanges.add(action + ":" + step);
            // an action receives the saga's input; a compensation receives its step's reply
            return action.equals("execute") ? work.apply(request.body(ReportRequest.class)) : "undone " + step;
        });
    }
}

package io.greenlang.messaging.examples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;
import io.greenlang.messaging.patterns.RequestTimeoutException;

/**
 * Request-reply: an LLM-style agent answers questions through a {@link ReplyService}; a {@link RequestClient}
 * asks one question and waits, asks ten at once over its single reply inbox, and asks a topic nobody serves,
 * which times out.
 */
public final class RequestReplyExample {
    /** A question to the agent. */
    public record Question(String text) {
    }

    /** The agent's answer. */
    public record Answer(String text, String model) {
    }

    /** The answers, whether the unserved request timed out, and the client's counters. */
    public record Result(List<Answer> answers, boolean timedOut, RequestClient.Stats stats) {
    }

    private RequestReplyExample() {
    }

    public static void main(String[] args) {
        try (Broker broker = Brokers.connect(ExampleSupport.brokerUrl(args))) {
            run(broker, System.out);
        }
    }

    public static Result run(Broker broker, PrintStream out) {
        String agentTopic = ExampleSupport.unique("agents.llm");
        List<Answer> answers = new ArrayList<>();
        boolean timedOut = false;
        try (ReplyService agent = ReplyService.start(broker, agentTopic, request -> {
                    Question q = request.body(Question.class);
                    return new Answer(complete(q.text()), "tiny-llm");   // the reply goes to the request's inbox
                });
                RequestClient client = RequestClient.create(broker)) {
            Answer first = client.request(agentTopic, new Question("What is scope 2?"), Answer.class, Duration.ofSeconds(10));
            out.println("agent: " + first.text());
            answers.add(first);

            List<CompletableFuture<Answer>> many = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                many.add(client.requestAsync(agentTopic, new Question("question " + i), Answer.class, Duration.ofSeconds(10))
                        .toCompletableFuture());
            }
            for (CompletableFuture<Answer> f : many) {
                answers.add(f.join());
            }
            out.println("ten concurrent answers, each correlated with its question: " + answers.subList(1, 11).stream()
                    .map(Answer::text).toList());

            try {
                client.request(ExampleSupport.unique("agents.nobody"), new Question("hello?"), Duration.ofMillis(200));
            } catch (RequestTimeoutException e) {
                timedOut = true;
                out.println("timed out as expected: " + e.getMessage());
            }
            out.println("client stats: " + client.stats() + "; agent stats: " + agent.stats());
            return new Result(answers, timedOut, client.stats());
        }
    }

    /** Stands in for a language model. */
    private static String complete(String prompt) {
        return "You asked: " + prompt.toLowerCase(Locale.ROOT);
    }
}

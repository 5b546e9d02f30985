package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;
import io.greenlang.messaging.patterns.RequestFailedException;
import io.greenlang.messaging.patterns.RequestTimeoutException;

/**
 * The patterns kit's {@code request-reply} group: request-reply pairs every reply with its request, times out, and drops late replies.
 * {@link PatternsContractTest} runs it as its nested class {@code RequestReply}, so a failure reads
 * {@code RequestReply.required_...}; run this group alone with {@code -Dgroups=request-reply}.
 */
public abstract class RequestReplyContract extends PatternFeature {
    RequestReplyContract(PatternsContractTest kit) {
        super(kit);
    }

    /**
     * A request gets the reply its service computed, decoded, with the request's id as correlation id. If it
     * fails, check that replies go to the request's reply-to topic with its correlation id.
     */
    @Test
    @DisplayName("a request gets its correlated reply")
    void required_aRequestGetsItsCorrelatedReply() {
        String topic = topic("rr");
        service(topic, d -> {
            Question q = d.body(Question.class);
            return new Answer(q.number(), q.text().toUpperCase(java.util.Locale.ROOT));
        });
        RequestClient client = client();
        Message request = Message.builder(topic).body(new Question(7, "scope two?"), broker().codec()).build();
        Message reply = client.request(request, timeouts().eventually());
        assertThat(reply.correlationId()).as("the reply's correlation id").contains(request.id());
        assertThat(reply.topic()).as("the topic the reply came on").isEqualTo(client.replyTopic());
        assertThat(broker().codec().decode(reply.payload(), Answer.class)).isEqualTo(new Answer(7, "SCOPE TWO?"));
        assertThat(client.request(topic, new Question(8, "ok"), Answer.class, timeouts().eventually()))
                .isEqualTo(new Answer(8, "OK"));
        assertThat(client.stats()).isEqualTo(new RequestClient.Stats(2, 2, 0, 0, 0, 0));
    }

    /**
     * Of {@link #concurrentRequests()} requests sent at once over one client, nine in ten go to a service
     * and each gets its own reply; one in ten go to a topic where nobody answers in time and fail with
     * {@link RequestTimeoutException}. The replies to those, sent after the timeouts, and a few replies with
     * unknown correlation ids are dropped and counted exactly; a request sent afterwards still works. If it
     * fails, check the client's pending map and that timeouts and replies race safely.
     */
    @Test
    @DisplayName("a thousand concurrent requests each get their own reply, with timeouts and late replies")
    void required_concurrentRequestsWithTimeoutsAndLateReplies() {
        int total = concurrentRequests();
        int late = total / 10;
        String fastTopic = topic("rr-fast");
        String silentTopic = topic("rr-silent");
        service(fastTopic, d -> new Answer(d.body(Question.class).number(), "answer"));
        List<Delivery> silent = new CopyOnWriteArrayList<>();
        track(broker().subscribe(options(silentTopic, group("silent")).build(), silent::add));
        RequestClient client = client();

        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        List<CompletableFuture<Message>> timedOut = new ArrayList<>();
        Duration shortTimeout = Duration.ofMillis(200);
        for (int i = 0; i < total; i++) {
            if (i % 10 == 9) {
                // an expiry of its own, so the silent service surely sees it before it expires
                Message m = Message.builder(silentTopic).body(new Question(i, "late"), broker().codec())
                        .ttl(timeouts().bulk()).build();
                timedOut.add(client.requestAsync(m, shortTimeout).toCompletableFuture());
            } else {
                answers.add(client.requestAsync(fastTopic, new Question(i, "q"), Answer.class, timeouts().bulk())
                        .toCompletableFuture());
            }
        }
        for (int i = 0, a = 0; i < total; i++) {
            if (i % 10 != 9) {
                assertThat(resultOf(answers.get(a++), timeouts().bulk()).number())
                        .as("the reply to request %d is its own", i).isEqualTo(i);
            }
        }
        for (CompletableFuture<Message> f : timedOut) {
            assertThat(failureOf(f)).isInstanceOfSatisfying(RequestTimeoutException.class, e -> {
                assertThat(e.topic()).isEqualTo(silentTopic);
                assertThat(e.timeout()).isEqualTo(shortTimeout);
            });
        }
        awaitCount("the silent service to see every unanswered request", silent::size, late);
        for (Delivery d : silent) {
            Message request = d.message();
            assertThat(request.replyTo()).as("reply-to of a request").contains(client.replyTopic());
            assertThat(request.correlationId()).as("correlation id of a request").contains(request.id());
            broker().publish(Message.builder(request.replyTo().orElseThrow())
                    .correlationId(request.correlationId().orElseThrow()).text("too late").build());
        }
        for (int i = 0; i < 5; i++) {
            broker().publish(Message.builder(client.replyTopic()).correlationId("unknown-" + i).text("?").build());
        }
        broker().publish(Message.builder(client.replyTopic()).text("no correlation id").build());
        awaitCount("late and unknown replies dropped", () -> (int) client.stats().droppedReplies(), late + 6);
        // and the client still works, with nothing else dropped on the way
        assertThat(client.request(fastTopic, new Question(-1, "after"), Answer.class, timeouts().eventually()).number())
                .isEqualTo(-1);
        int answered = total - late + 1;
        assertThat(client.stats()).as("client statistics")
                .isEqualTo(new RequestClient.Stats(total + 1, answered, 0, late, late + 6, 0));
    }

    /**
     * A request nobody answers fails with {@link RequestTimeoutException} naming the topic and timeout, and
     * leaves nothing pending. If it fails, check the client's timer.
     */
    @Test
    @DisplayName("a request nobody answers times out")
    void required_aRequestNobodyAnswersTimesOut() {
        String topic = topic("rr-nobody");
        RequestClient client = client();
        Throwable failure = failureOf(client.requestAsync(topic, new Question(1, "anyone?"), Duration.ofMillis(100)));
        assertThat(failure).isInstanceOfSatisfying(RequestTimeoutException.class, e -> {
            assertThat(e.topic()).isEqualTo(topic);
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(100));
            assertThat(e.getMessage()).contains(topic);
        });
        assertThat(client.pendingCount()).isZero();
        assertThat(client.stats().timedOut()).isEqualTo(1);
    }

    /**
     * A request expires with its timeout, so a service that starts after the caller gave up never works on
     * it; a later request is answered. If it fails, check that requests carry an expiry and that the service
     * skips expired requests.
     */
    @Test
    @DisplayName("a request whose caller gave up is never handled")
    void required_aRequestWhoseCallerGaveUpIsNeverHandled() {
        assumeCapability(Capability.TIME_TO_LIVE);
        String topic = topic("rr-expired");
        RequestClient client = client();
        Throwable failure = failureOf(client.requestAsync(topic, new Question(1, "old"), Duration.ofMillis(50)));
        assertThat(failure).isInstanceOf(RequestTimeoutException.class);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        ReplyService service = service(topic, d -> {
            handled.add(d.body(Question.class).number());
            return "ok";
        });
        assertThat(client.request(topic, new Question(2, "new"), String.class, timeouts().eventually())).isEqualTo("ok");
        assertThat(handled).as("requests the service handled").containsExactly(2);
        assertThat(service.stats().handled()).isEqualTo(1);
    }

    /**
     * A handler that throws makes the client's request fail at once with {@link RequestFailedException}
     * carrying the remote exception's class and message; the request is dead-lettered. If it fails, check
     * the service's error reply.
     */
    @Test
    @DisplayName("a failing handler answers with an error")
    void required_aFailingHandlerAnswersWithAnError() {
        String topic = topic("rr-error");
        ReplyService service = service(topic, d -> {
            throw new IllegalStateException("model unavailable");
        });
        RequestClient client = client();
        Throwable failure = failureOf(client.requestAsync(topic, new Question(1, "q"), timeouts().eventually()));
        assertThat(failure).isInstanceOfSatisfying(RequestFailedException.class, e -> {
            assertThat(e.topic()).isEqualTo(topic);
            assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(e.remoteMessage()).isEqualTo("model unavailable");
        });
        assertThat(client.stats().failed()).isEqualTo(1);
        assertThat(service.stats().failed()).isEqualTo(1);
        if (broker().capabilities().supports(Capability.DEAD_LETTER_QUEUE)) {
            timeouts().await("the failed request in the service's dead-letter queue")
                    .until(() -> broker().deadLetters(topic, topic).count() == 1);
        }
    }

    /**
     * Closing a client fails its pending requests with {@link BrokerClosedException} and refuses new ones; a
     * second close does nothing. If it fails, check the client's close.
     */
    @Test
    @DisplayName("closing the client fails pending requests and refuses new ones")
    void required_closingTheClientFailsPendingRequests() {
        String topic = topic("rr-close");
        RequestClient client = client();
        CompletionStage<Message> pending = client.requestAsync(topic, new Question(1, "q"), timeouts().bulk());
        assertThat(client.pendingCount()).isEqualTo(1);
        client.close();
        assertThat(failureOf(pending)).isInstanceOf(BrokerClosedException.class).hasMessageContaining("closed");
        assertThat(client.isClosed()).isTrue();
        assertThat(client.pendingCount()).isZero();
        assertThatThrownBy(() -> client.requestAsync(topic, new Question(2, "q"), timeouts().eventually()))
                .isInstanceOf(BrokerClosedException.class);
        client.close();
    }
}

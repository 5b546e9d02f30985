package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.patterns.AppendResult;
import io.greenlang.messaging.patterns.Checkpoint;
import io.greenlang.messaging.patterns.CircuitBreaker;
import io.greenlang.messaging.patterns.CircuitBreakerOptions;
import io.greenlang.messaging.patterns.CircuitOpenException;
import io.greenlang.messaging.patterns.ConsumerGroup;
import io.greenlang.messaging.patterns.ConsumerGroupManager;
import io.greenlang.messaging.patterns.ConsumerStats;
import io.greenlang.messaging.patterns.EventStore;
import io.greenlang.messaging.patterns.GroupHealth;
import io.greenlang.messaging.patterns.GroupStats;
import io.greenlang.messaging.patterns.PubSub;
import io.greenlang.messaging.patterns.ReplyService;
import io.greenlang.messaging.patterns.RequestClient;
import io.greenlang.messaging.patterns.RequestClientOptions;
import io.greenlang.messaging.patterns.RequestFailedException;
import io.greenlang.messaging.patterns.RequestHandler;
import io.greenlang.messaging.patterns.RequestTimeoutException;
import io.greenlang.messaging.patterns.SagaCoordinator;
import io.greenlang.messaging.patterns.SagaCoordinatorOptions;
import io.greenlang.messaging.patterns.SagaDefinition;
import io.greenlang.messaging.patterns.SagaFailedException;
import io.greenlang.messaging.patterns.SagaResult;
import io.greenlang.messaging.patterns.SagaStatus;
import io.greenlang.messaging.patterns.SagaStep;
import io.greenlang.messaging.patterns.Snapshot;
import io.greenlang.messaging.patterns.StoredEvent;
import io.greenlang.messaging.patterns.WorkQueue;
import io.greenlang.messaging.tck.BrokerTestSupport;
import io.greenlang.messaging.tck.TckTimeouts;

/**
 * The contract of the coordination patterns, run on a backend: request-reply, pub-sub, the work queue, event
 * sourcing, sagas, the circuit breaker and the consumer-group manager. A backend's test class is a few lines:
 * <pre>{@code
 * class MemoryPatternsTckTest extends PatternsContractTest {
 *     private final String name = "tck-" + UUID.randomUUID();
 *
 *     @Override
 *     protected Broker createBroker(Map<String, String> options) {
 *         return Brokers.connect("memory://" + name, options);
 *     }
 * }
 * }</pre>
 *
 * <p>Like {@link io.greenlang.messaging.tck.BrokerContractTest}: tests are grouped per pattern in tagged
 * {@code @Nested} classes ({@code mvn test -Dgroups=saga}), named after the rule they check, with javadoc
 * that says where to look when they fail; a test that needs a capability is skipped, with the backend's reason,
 * only when the backend declares it unsupported; every wait has a deadline from {@link TckTimeouts}
 * ({@code -Dgreenlang.tck.timeout.factor=N}); nothing sleeps. The patterns use the API only, so a failure here
 * that the broker contract tests do not show usually means a gap in the contract tests.
 *
 * <p>Loads are the issue's: {@link #concurrentRequests()} (1,000) requests at once and a group scaled to
 * {@link #maxConsumers()} (100) consumers. A backend for which one consumer is heavy (Kafka: one client each)
 * may override them, and should say so.
 */
public abstract class PatternsContractTest extends BrokerTestSupport {
    /** Retries for tests that fail on purpose: 3 attempts, 50 ms then 100 ms apart, no jitter. */
    protected static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(50))
            .multiplier(2)
            .maxBackoff(Duration.ofMillis(500))
            .jitter(0)
            .build();

    private static final Duration GRACE = Duration.ofSeconds(1);


    /** How many requests the request-reply load test sends at once: the 1,000. */
    protected int concurrentRequests() {
        return 1000;
    }

    /** How many consumers the scaling test scales a group to: the 100. */
    protected int maxConsumers() {
        return 100;
    }

    // ------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------

    /** Subscription options with a short grace period and {@link #FAST_RETRIES}. */
    protected static SubscriptionOptions.Builder options(String topic, String group) {
        return SubscriptionOptions.builder(topic, group).shutdownGracePeriod(GRACE).retryPolicy(FAST_RETRIES);
    }

    /** A reply service with the default options but a short grace period, closed after the test. */
    protected final ReplyService service(String topic, RequestHandler handler) {
        return track(ReplyService.start(broker(), ReplyService.defaultOptions(broker(), topic).shutdownGracePeriod(GRACE)
                .build(), handler));
    }

    /** A request client with a short grace period, closed after the test. */
    protected final RequestClient client() {
        return track(RequestClient.create(broker(), RequestClientOptions.builder().closeGracePeriod(GRACE).build()));
    }

    /** Waits until {@code count} reaches {@code target}; fails early, saying where it stuck, if it stalls. */
    protected final void awaitCount(String what, IntSupplier count, int target) {
        long stall = timeouts().eventually().toNanos();
        long[] last = {Long.MIN_VALUE, System.nanoTime()};
        timeouts().awaitBulk(what).until(() -> {
            int n = count.getAsInt();
            long now = System.nanoTime();
            if (n != last[0]) {
                last[0] = n;
                last[1] = now;
            } else if (n < target && now - last[1] > stall) {
                throw new AssertionError("Waiting for " + what + ": stuck at " + n + " of " + target + " for "
                        + timeouts().eventually().toMillis() + " ms. Messages were lost, or are no longer handed over.");
            }
            return n >= target;
        });
    }

    /** Waits for a latch within the eventual deadline; false if it timed out. */
    private boolean await(CountDownLatch latch) {
        try {
            return latch.await(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The failure of a stage that must fail, within the eventual deadline. */
    private Throwable failureOf(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("Expected the stage to fail within " + timeouts().eventually() + ", got " + e, e);
        }
        throw new AssertionError("Expected the stage to fail, but it completed normally");
    }

    private <T> T resultOf(CompletionStage<T> stage, Duration within) {
        try {
            return stage.toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("Expected the stage to complete normally, it failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("Expected the stage to complete within " + within + ", got " + e, e);
        }
    }

    /** A question for request-reply tests. */
    public record Question(int number, String text) {
    }

    /** An answer for request-reply tests. */
    public record Answer(int number, String text) {
    }

    /** An event-sourcing event. */
    public record Deposited(long amount) {
    }

    /** An event-sourcing event. */
    public record Withdrawn(long amount) {
    }

    /** State rebuilt from {@link Deposited} and {@link Withdrawn} events. */
    public record Account(long balance, int operations) {
        static final Account EMPTY = new Account(0, 0);

        Account apply(StoredEvent e) {
            switch (e.type()) {
                case "Deposited":
                    return new Account(balance + e.body(Deposited.class).amount(), operations + 1);
                case "Withdrawn":
                    return new Account(balance - e.body(Withdrawn.class).amount(), operations + 1);
                default:
                    throw new IllegalStateException("unknown event type " + e.type());
            }
        }
    }

    /** A saga's input. */
    public record ReportRequest(String site) {
    }

    // ------------------------------------------------------------------------------------------------------
    // Request-reply
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("request-reply")
    @DisplayName("Request-reply pairs every reply with its request, times out, and drops late replies")
    class RequestReply {
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

    // ------------------------------------------------------------------------------------------------------
    // Pub-sub
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("pub-sub")
    @DisplayName("Pub-sub gives every subscriber every event")
    class PublishSubscribe {
        /**
         * Three subscribers each get each of 20 events exactly once. If it fails, check that each subscriber has
         * a group of its own.
         */
        @Test
        @DisplayName("every subscriber gets every event once")
        void required_everySubscriberGetsEveryEvent() {
            PubSub pubsub = PubSub.on(broker(), topic("pubsub"));
            List<Map<String, Integer>> received = new ArrayList<>();
            for (String name : List.of("audit", "pager", "dashboard")) {
                Map<String, Integer> seen = new ConcurrentHashMap<>();
                received.add(seen);
                track(pubsub.subscribe(options(pubsub.topic(), group(name)).build(),
                        d -> seen.merge(d.message().id(), 1, Integer::sum)));
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                ids.add(pubsub.publish(new Answer(i, "event")).messageId());
            }
            for (Map<String, Integer> seen : received) {
                awaitCount("every event at every subscriber", seen::size, ids.size());
            }
            for (Map<String, Integer> seen : received) {
                assertThat(seen.keySet()).isEqualTo(ids);
                assertThat(seen.values()).as("times each event was handed over").containsOnly(1);
            }
        }

        /**
         * Two members of one subscriber share its events (each event once between them) while another subscriber
         * gets them all. If it fails, check that members with one subscriber name compete.
         */
        @Test
        @DisplayName("members of one subscriber share its events")
        void required_membersOfOneSubscriberShareItsEvents() {
            PubSub pubsub = PubSub.on(broker(), topic("pubsub-members"));
            String shared = group("shared");
            Map<String, Integer> sharedSeen = new ConcurrentHashMap<>();
            Map<String, Integer> otherSeen = new ConcurrentHashMap<>();
            track(pubsub.subscribe(options(pubsub.topic(), shared).build(), d -> sharedSeen.merge(d.message().id(), 1, Integer::sum)));
            track(pubsub.subscribe(options(pubsub.topic(), shared).build(), d -> sharedSeen.merge(d.message().id(), 1, Integer::sum)));
            track(pubsub.subscribe(options(pubsub.topic(), group("other")).build(), d -> otherSeen.merge(d.message().id(), 1, Integer::sum)));
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                ids.add(pubsub.publish("event-" + i).messageId());
            }
            awaitCount("every event at the shared subscriber", sharedSeen::size, ids.size());
            awaitCount("every event at the other subscriber", otherSeen::size, ids.size());
            assertThat(sharedSeen.keySet()).isEqualTo(ids);
            assertThat(sharedSeen.values()).as("times each event went to the shared subscriber").containsOnly(1);
            assertThat(otherSeen.keySet()).isEqualTo(ids);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Work queue
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("work-queue")
    @DisplayName("A work queue spreads tasks over its workers, retries them and dead-letters the hopeless")
    class WorkQueues {
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

    // ------------------------------------------------------------------------------------------------------
    // Event sourcing
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("event-sourcing")
    @DisplayName("An event store appends, replays and rebuilds, with optimistic concurrency")
    class EventSourcing {
        /**
         * Five appended events read back in order with versions 1 to 5, their types and bodies; reading after the
         * second continues with the third; reading respects the maximum. If it fails, check read(topic, position).
         */
        @Test
        @DisplayName("events replay in order with their versions, from the start or a checkpoint")
        void required_eventsReplayInOrderWithTheirVersions() {
            assumeCapability(Capability.READ_FROM_POSITION);
            EventStore store = EventStore.create(broker(), topic("es") + ".");
            String stream = "account-1";
            List<Object> events = List.of(new Deposited(100), new Deposited(50), new Withdrawn(30), new Deposited(5),
                    new Withdrawn(25));
            List<AppendResult> appended = new ArrayList<>();
            for (Object e : events) {
                appended.add(store.append(stream, e));
            }
            List<StoredEvent> all = store.readAll(stream);
            assertThat(all).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(all).extracting(StoredEvent::type)
                    .containsExactly("Deposited", "Deposited", "Withdrawn", "Deposited", "Withdrawn");
            assertThat(all).extracting(StoredEvent::id).containsExactlyElementsOf(
                    appended.stream().map(AppendResult::eventId).toList());
            assertThat(all.get(2).body(Withdrawn.class)).isEqualTo(new Withdrawn(30));
            assertThat(all).extracting(StoredEvent::stream).containsOnly(stream);

            List<StoredEvent> rest = store.read(stream, all.get(1).checkpoint(), 100);
            assertThat(rest).extracting(StoredEvent::version).containsExactly(3L, 4L, 5L);
            assertThat(store.read(stream, Checkpoint.START, 2)).extracting(StoredEvent::version).containsExactly(1L, 2L);
            assertThat(store.read(stream, all.get(4).checkpoint(), 10)).isEmpty();
            assertThat(store.version(stream)).isEqualTo(5);
            assertThat(store.readAll("account-nobody")).isEmpty();
        }

        /**
         * An account rebuilt from its events has the right balance; a rebuild continued from that snapshot after
         * more events equals a rebuild from the start. If it fails, check replay paging.
         */
        @Test
        @DisplayName("state is rebuilt from events, from the start or from a snapshot")
        void required_stateIsRebuiltFromEvents() {
            assumeCapability(Capability.READ_FROM_POSITION);
            EventStore store = EventStore.create(broker(), topic("es-rebuild") + ".");
            String stream = "account-2";
            for (int i = 1; i <= 600; i++) { // more than a page
                store.append(stream, i % 3 == 0 ? new Withdrawn(i) : new Deposited(2L * i));
            }
            Snapshot<Account> first = store.rebuild(stream, Account.EMPTY, Account::apply);
            long expected = IntStream.rangeClosed(1, 600).mapToLong(i -> i % 3 == 0 ? -i : 2L * i).sum();
            assertThat(first.state()).isEqualTo(new Account(expected, 600));
            assertThat(first.version()).isEqualTo(600);
            store.append(stream, new Deposited(1000));
            store.append(stream, new Withdrawn(1));
            Snapshot<Account> continued = store.rebuild(stream, first, Account::apply);
            Snapshot<Account> fromStart = store.rebuild(stream, Account.EMPTY, Account::apply);
            assertThat(continued.state()).isEqualTo(new Account(expected + 999, 602)).isEqualTo(fromStart.state());
            assertThat(continued.checkpoint()).isEqualTo(fromStart.checkpoint());
            assertThat(continued.version()).isEqualTo(602);
        }

        /**
         * Appends at versions 0 and 1 succeed; a second append at version 1 fails with
         * {@link VersionConflictException} (expected 1, actual 2) and stores nothing; the append at version 2
         * succeeds. If it fails, check the backend's conditional append.
         */
        @Test
        @DisplayName("an append at a stale version fails with a clear conflict and stores nothing")
        void required_anAppendAtAStaleVersionFails() {
            assumeCapability(Capability.CONDITIONAL_APPEND);
            assumeCapability(Capability.READ_FROM_POSITION);
            EventStore store = EventStore.create(broker(), topic("es-cas") + ".");
            String stream = "account-3";
            assertThat(store.supportsExpectedVersion()).isTrue();
            assertThat(store.append(stream, new Deposited(10), 0).version()).hasValue(1);
            Snapshot<Account> seen = store.rebuild(stream, Account.EMPTY, Account::apply);
            assertThat(store.append(stream, new Deposited(20), seen.version()).version()).hasValue(2);
            assertThatThrownBy(() -> store.append(stream, new Withdrawn(25), seen.version()))
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                        assertThat(e.expectedVersion()).isEqualTo(1);
                        assertThat(e.actualVersion()).isEqualTo(2);
                        assertThat(e.topic()).isEqualTo(store.topic(stream));
                    });
            assertThat(store.rebuild(stream, Account.EMPTY, Account::apply).state()).isEqualTo(new Account(30, 2));
            store.append(stream, new Withdrawn(25), 2);
            assertThat(store.rebuild(stream, Account.EMPTY, Account::apply).state()).isEqualTo(new Account(5, 3));
            assertThatThrownBy(() -> store.append(stream, new Deposited(1), -1)).isInstanceOf(IllegalArgumentException.class);
        }

        /**
         * Eight writers appending at one version at once: exactly one wins, the others get a conflict naming
         * version 1. If it fails, the backend's check and append are not atomic.
         */
        @Test
        @DisplayName("of concurrent appenders at one version exactly one wins")
        void required_concurrentAppendersExactlyOneWins() throws Exception {
            assumeCapability(Capability.CONDITIONAL_APPEND);
            EventStore store = EventStore.create(broker(), topic("es-race") + ".");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = latch(1);
                List<Future<AppendResult>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    long amount = i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        return store.append("account-4", new Deposited(amount), 0);
                    }));
                }
                start.countDown();
                int won = 0;
                for (Future<AppendResult> f : futures) {
                    try {
                        f.get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
                        won++;
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOfSatisfying(VersionConflictException.class,
                                c -> assertThat(c.actualVersion()).isEqualTo(1));
                    }
                }
                assertThat(won).as("appenders that won").isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Saga
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("saga")
    @DisplayName("A saga runs its steps in order, compensates in reverse, and survives a restart")
    class Sagas {
        private final List<String> journal = new CopyOnWriteArrayList<>();
        private final Map<String, String> payloads = new ConcurrentHashMap<>();

        /** A participant that journals "action:step" and then behaves as told. */
        private ReplyService participant(String topic, RequestHandler behaviour) {
            return service(topic, d -> {
                String entry = d.message().header(SagaCoordinator.ACTION_HEADER).orElse("?") + ":"
                        + d.message().header(SagaCoordinator.STEP_HEADER).orElse("?");
                journal.add(entry);
                payloads.put(entry, d.message().payloadAsString());
                return behaviour.handle(d);
            });
        }

        private SagaCoordinator coordinator(String logTopic, SagaDefinition definition) {
            return track(SagaCoordinator.start(broker(), SagaCoordinatorOptions.builder(logTopic)
                    .compensationRetryDelay(Duration.ofMillis(50))
                    .closeGracePeriod(GRACE)
                    .build(), definition));
        }

        /** Three request steps a, b, c on topics prefix.a... with compensations prefix.a.undo... */
        private SagaDefinition threeSteps(String prefix, Duration timeout) {
            SagaDefinition.Builder b = SagaDefinition.builder("report");
            for (String step : List.of("a", "b", "c")) {
                b.step(SagaStep.builder(step).request(prefix + "." + step).compensateWithRequest(prefix + "." + step + ".undo")
                        .timeout(timeout).build());
            }
            return b.build();
        }

        private void participants(String prefix, RequestHandler stepC) {
            participant(prefix + ".a", d -> "a-done");
            participant(prefix + ".b", d -> "b-done");
            participant(prefix + ".c", stepC);
            for (String step : List.of("a", "b", "c")) {
                participant(prefix + "." + step + ".undo", d -> "undone");
            }
        }

        /**
         * A saga whose three steps succeed completes, runs them in order, no compensation, and keeps their
         * replies. If it fails, check the coordinator's step chaining.
         */
        @Test
        @DisplayName("a saga whose steps succeed completes")
        void required_aSagaWhoseStepsSucceedCompletes() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String prefix = topic("saga-ok");
            participants(prefix, d -> "c-done");
            SagaCoordinator sagas = coordinator(prefix + ".log", threeSteps(prefix, timeouts().eventually()));
            SagaResult result = sagas.run("report", new ReportRequest("site-42"));
            assertThat(result.status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(journal).containsExactly("execute:a", "execute:b", "execute:c");
            assertThat(result.replies().keySet()).containsExactly("a", "b", "c");
            assertThat(result.reply("b", String.class)).isEqualTo("b-done");
            assertThat(result.compensated()).isEmpty();
            assertThat(result.failedStep()).isEmpty();
            assertThat(new String(broker().codec().encode(new ReportRequest("site-42")), java.nio.charset.StandardCharsets.UTF_8))
                    .as("what a step receives: the saga's input").isEqualTo(payloads.get("execute:a"));
            assertThat(sagas.status(result.sagaId())).contains(SagaStatus.COMPLETED);
            assertThat(sagas.inFlight()).isEmpty();
        }

        /**
         * When the third step fails, the compensations of the second and the first step run, in that order,
         * each receiving its step's reply; the saga fails with {@link SagaFailedException}, status COMPENSATED.
         * If it fails, check the order of compensations.
         */
        @Test
        @DisplayName("a saga whose third step fails runs two compensations in reverse order")
        void required_aFailingThirdStepRunsTwoCompensationsInReverseOrder() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String prefix = topic("saga-fail");
            participants(prefix, d -> {
                throw new IllegalStateException("report service down");
            });
            SagaCoordinator sagas = coordinator(prefix + ".log", threeSteps(prefix, timeouts().eventually()));
            assertThatThrownBy(() -> sagas.run("report", new ReportRequest("site-7")))
                    .isInstanceOfSatisfying(SagaFailedException.class, e -> {
                        SagaResult r = e.result();
                        assertThat(r.status()).isEqualTo(SagaStatus.COMPENSATED);
                        assertThat(r.failedStep()).contains("c");
                        assertThat(r.failure()).hasValueSatisfying(f -> assertThat(f)
                                .contains(RequestFailedException.class.getName()).contains("report service down"));
                        assertThat(r.compensated()).containsExactly("b", "a");
                        assertThat(e.getMessage()).contains("'c'").contains("[b, a]");
                    });
            assertThat(journal).containsExactly("execute:a", "execute:b", "execute:c", "compensate:b", "compensate:a");
            assertThat(payloads.get("compensate:b")).as("a compensation receives its step's reply")
                    .isEqualTo(new String(broker().codec().encode("b-done"), java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * A step whose participant never answers fails at its timeout, and the completed step before it is
         * compensated. If it fails, check per-step timeouts.
         */
        @Test
        @DisplayName("a step that times out fails the saga and compensates the steps before it")
        void required_aStepThatTimesOutFailsTheSaga() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String prefix = topic("saga-timeout");
            participant(prefix + ".a", d -> "a-done");
            participant(prefix + ".a.undo", d -> "undone");
            SagaDefinition definition = SagaDefinition.builder("report")
                    .step(SagaStep.builder("a").request(prefix + ".a").compensateWithRequest(prefix + ".a.undo")
                            .timeout(timeouts().eventually()).build())
                    .step(SagaStep.builder("b").request(prefix + ".nobody").timeout(Duration.ofMillis(200)).build())
                    .build();
            SagaCoordinator sagas = coordinator(prefix + ".log", definition);
            Throwable failure = failureOf(sagas.startAsync("report", new ReportRequest("site-1")));
            assertThat(failure).isInstanceOfSatisfying(SagaFailedException.class, e -> {
                assertThat(e.result().failedStep()).contains("b");
                assertThat(e.result().failure()).hasValueSatisfying(f -> assertThat(f)
                        .contains(RequestTimeoutException.class.getName()));
                assertThat(e.result().compensated()).containsExactly("a");
            });
            assertThat(journal).containsExactly("execute:a", "compensate:a");
        }

        /**
         * A coordinator closed while the second step is in flight leaves the saga in its log; a new coordinator
         * on that log resumes it, sends the second step again and finishes. If it fails, check that every
         * transition is logged before the next exchange and that the log is read on start.
         */
        @Test
        @DisplayName("a coordinator restarted in the middle of a saga finishes it")
        void required_aRestartedCoordinatorFinishesASagaInFlight() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String prefix = topic("saga-restart");
            CountDownLatch firstB = latch(1);
            AtomicInteger bCalls = new AtomicInteger();
            participant(prefix + ".a", d -> "a-done");
            participant(prefix + ".b", d -> {
                if (bCalls.incrementAndGet() == 1) {
                    await(firstB); // the first coordinator "crashes" while this runs
                }
                return "b-done";
            });
            participant(prefix + ".c", d -> "c-done");
            SagaDefinition definition = threeSteps(prefix, timeouts().bulk());
            SagaCoordinator first = coordinator(prefix + ".log", definition);
            String id = first.begin("report", new ReportRequest("site-9"));
            timeouts().await("step b in flight").until(() -> journal.contains("execute:b"));
            CompletionStage<SagaResult> firstResult = first.result(id);
            first.close();
            assertThat(failureOf(firstResult)).isInstanceOf(BrokerClosedException.class);

            SagaCoordinator second = coordinator(prefix + ".log", definition);
            assertThat(second.resumed()).containsExactly(id);
            SagaResult result = resultOf(second.result(id), timeouts().bulk());
            assertThat(result.status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(result.replies().keySet()).containsExactly("a", "b", "c");
            assertThat(journal).containsExactly("execute:a", "execute:b", "execute:b", "execute:c");
            firstB.countDown();
        }

        /**
         * A coordinator closed while a compensation is in flight leaves the saga compensating; the next one sends
         * that compensation again and runs the rest, in reverse order. If it fails, check how the log records
         * compensations.
         */
        @Test
        @DisplayName("a coordinator restarted while compensating finishes the compensations")
        void required_aRestartedCoordinatorFinishesCompensating() {
            assumeCapability(Capability.READ_FROM_POSITION);
            String prefix = topic("saga-restart-comp");
            CountDownLatch firstUndoB = latch(1);
            AtomicInteger undoBCalls = new AtomicInteger();
            participant(prefix + ".a", d -> "a-done");
            participant(prefix + ".b", d -> "b-done");
            participant(prefix + ".c", d -> {
                throw new IllegalStateException("no");
            });
            participant(prefix + ".a.undo", d -> "undone");
            participant(prefix + ".b.undo", d -> {
                if (undoBCalls.incrementAndGet() == 1) {
                    await(firstUndoB);
                }
                return "undone";
            });
            participant(prefix + ".c.undo", d -> "undone");
            SagaDefinition definition = threeSteps(prefix, timeouts().bulk());
            SagaCoordinator first = coordinator(prefix + ".log", definition);
            String id = first.begin("report", new ReportRequest("site-3"));
            timeouts().await("the compensation of b in flight").until(() -> journal.contains("compensate:b"));
            first.close();
            SagaCoordinator second = coordinator(prefix + ".log", definition);
            assertThat(second.resumed()).containsExactly(id);
            Throwable failure = failureOf(second.result(id));
            assertThat(failure).isInstanceOfSatisfying(SagaFailedException.class, e -> {
                assertThat(e.result().status()).isEqualTo(SagaStatus.COMPENSATED);
                assertThat(e.result().failedStep()).contains("c");
                assertThat(e.result().compensated()).containsExactly("b", "a");
            });
            assertThat(journal).containsExactly("execute:a", "execute:b", "execute:c", "compensate:b", "compensate:b",
                    "compensate:a");
            firstUndoB.countDown();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Circuit breaker
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("circuit-breaker")
    @DisplayName("A circuit breaker opens on failures, cools down, probes and closes")
    class CircuitBreakers {
        /**
         * The state machine with a controlled clock: CLOSED until 3 consecutive failures (a success resets the
         * count), OPEN refuses without calling, HALF_OPEN after the cool-down allows 2 trials, a failed trial
         * reopens, 2 successful trials close. Every transition is reported. If it fails, check CircuitBreaker.
         */
        @Test
        @DisplayName("the state machine moves CLOSED, OPEN, HALF_OPEN, OPEN, HALF_OPEN, CLOSED")
        void required_theStateMachine() {
            ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
            List<CircuitBreaker.Transition> transitions = new CopyOnWriteArrayList<>();
            CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder().name("agent")
                    .failureThreshold(3).coolDown(Duration.ofSeconds(10)).trialCalls(2).clock(clock)
                    .listener(transitions::add).build());
            AtomicInteger calls = new AtomicInteger();
            Runnable fail = () -> {
                calls.incrementAndGet();
                throw new IllegalStateException("down");
            };
            Runnable succeed = calls::incrementAndGet;

            assertThatThrownBy(() -> breaker.run(fail)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> breaker.run(fail)).isInstanceOf(IllegalStateException.class);
            breaker.run(succeed);
            assertThat(breaker.stats().consecutiveFailures()).as("a success resets the count").isZero();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> breaker.run(fail)).isInstanceOf(IllegalStateException.class);
            }
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            int before = calls.get();
            assertThatThrownBy(() -> breaker.run(succeed)).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                assertThat(e.breaker()).isEqualTo("agent");
                assertThat(e.state()).isEqualTo(CircuitBreaker.State.OPEN);
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
            });
            assertThat(calls.get()).as("calls made while OPEN").isEqualTo(before);
            clock.advance(Duration.ofSeconds(9));
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            clock.advance(Duration.ofSeconds(1));
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            assertThat(breaker.tryAcquirePermission()).as("first trial").isTrue();
            assertThat(breaker.tryAcquirePermission()).as("second trial").isTrue();
            assertThat(breaker.tryAcquirePermission()).as("a third call while two trials run").isFalse();
            breaker.onFailure(new IllegalStateException("still down"));
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            clock.advance(Duration.ofSeconds(10));
            breaker.run(succeed);
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            breaker.run(succeed);
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(transitions).extracting(t -> t.from() + ">" + t.to()).containsExactly(
                    "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED");
            assertThat(transitions.get(0).at()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
            assertThat(breaker.stats().rejected()).isEqualTo(2);
        }

        /**
         * Around requests to a failing agent, the breaker opens after three error replies and then refuses
         * without sending anything; after the cool-down a trial request to the recovered agent closes it. If it
         * fails, check callAsync with the request client.
         */
        @Test
        @DisplayName("a breaker around requests trips on a failing agent and recovers")
        void required_aBreakerAroundRequestsTripsAndRecovers() {
            String topic = topic("cb-agent");
            AtomicBoolean healthy = new AtomicBoolean();
            ReplyService agent = service(topic, d -> {
                if (!healthy.get()) {
                    throw new IllegalStateException("agent overloaded");
                }
                return "answer";
            });
            RequestClient client = client();
            ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
            CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder().name("agent")
                    .failureThreshold(3).coolDown(Duration.ofSeconds(30)).clock(clock).build());
            for (int i = 0; i < 3; i++) {
                assertThat(failureOf(breaker.callAsync(() -> client.requestAsync(topic, "q", timeouts().eventually()))))
                        .isInstanceOf(RequestFailedException.class);
            }
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            for (int i = 0; i < 5; i++) {
                assertThat(failureOf(breaker.callAsync(() -> client.requestAsync(topic, "q", timeouts().eventually()))))
                        .isInstanceOf(CircuitOpenException.class);
            }
            assertThat(client.stats().sent()).as("requests sent: none while OPEN").isEqualTo(3);
            assertThat(agent.stats().failed()).isEqualTo(3);
            healthy.set(true);
            clock.advance(Duration.ofSeconds(30));
            Message reply = resultOf(breaker.callAsync(() -> client.requestAsync(topic, "q", timeouts().eventually())),
                    timeouts().eventually());
            assertThat(broker().codec().decode(reply.payload(), String.class)).isEqualTo("answer");
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(breaker.stats()).isEqualTo(new CircuitBreaker.Stats(CircuitBreaker.State.CLOSED, 0, 1, 3, 5));
        }

        /**
         * A handler protected by an open breaker is not called; the deliveries fail and come back after the
         * backoff, and are handled once the breaker closes. If it fails, check protect().
         */
        @Test
        @DisplayName("a breaker around a handler holds messages back while open")
        void required_aBreakerAroundAHandlerHoldsMessagesBack() {
            assumeCapability(Capability.RETRY_WITH_BACKOFF);
            String topic = topic("cb-handler");
            CircuitBreaker breaker = CircuitBreaker.create(CircuitBreakerOptions.builder().failureThreshold(1).build());
            breaker.onFailure(new IllegalStateException("open it"));
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            List<String> handled = new CopyOnWriteArrayList<>();
            AtomicInteger attempts = new AtomicInteger();
            RetryPolicy patient = RetryPolicy.builder().maxAttempts(1000).initialBackoff(Duration.ofMillis(20))
                    .maxBackoff(Duration.ofMillis(20)).jitter(0).build();
            MessageHandler guarded = breaker.protect(d -> handled.add(d.message().payloadAsString()));
            track(broker().subscribe(options(topic, group("cb")).retryPolicy(patient).build(), d -> {
                attempts.incrementAndGet();
                guarded.handle(d);
            }));
            broker().publish(Message.builder(topic).text("held").build());
            timeouts().await("a refused attempt").until(() -> attempts.get() >= 2);
            assertThat(handled).as("handled while OPEN").isEmpty();
            breaker.reset();
            timeouts().await("the message handled once the breaker closed").until(() -> handled.size() == 1);
            assertThat(handled).containsExactly("held");
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Consumer-group manager
    // ------------------------------------------------------------------------------------------------------

    @Nested
    @Tag("consumer-groups")
    @DisplayName("A consumer-group manager scales, supervises and drains groups without losing messages")
    class ConsumerGroups {
        private SubscriptionOptions.Builder template(String topic, String group) {
            return options(topic, group).leaseTimeout(Duration.ofSeconds(5));
        }

        /**
         * Publishes {@code total} messages in batches of 50, keeping at most 200 ahead of the consumers, so that
         * load goes on for as long as the test scales the group.
         */
        private CompletableFuture<List<String>> publishUnderLoad(String topic, int total, Semaphore credits) {
            return CompletableFuture.supplyAsync(() -> {
                List<String> ids = new ArrayList<>();
                try {
                    for (int sent = 0; sent < total; sent += 50) {
                        int n = Math.min(50, total - sent);
                        if (!credits.tryAcquire(n, timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS)) {
                            throw new AssertionError("Consumers stopped making progress after " + sent + " messages");
                        }
                        List<Message> batch = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            batch.add(Message.builder(topic).text("load-" + (sent + i)).build());
                        }
                        for (PublishResult r : broker().publishAll(batch)) {
                            ids.add(r.messageId());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
                return ids;
            });
        }

        /**
         * A group scaled from 1 to {@link #maxConsumers()} consumers and back to 1 while messages keep coming
         * processes every message at least once. If it fails, check that scaling down closes subscriptions
         * gracefully and that the broker redelivers what they had not started.
         */
        @Test
        @DisplayName("scaling a group from 1 to 100 consumers and back to 1 under load loses nothing")
        void required_scalingUpAndDownUnderLoadLosesNothing() {
            String topic = topic("cg-scale");
            int max = maxConsumers();
            ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Semaphore credits = new Semaphore(200);
            ConsumerGroup group = manager.createGroup(template(topic, group("scale")).build(), 1, d -> {
                if (seen.add(d.message().id())) {
                    credits.release();
                }
            });
            int total = Math.max(3000, 30 * max);
            CompletableFuture<List<String>> load = publishUnderLoad(topic, total, credits);

            awaitCount("progress with one consumer", seen::size, total / 6);
            group.scaleTo(max);
            assertThat(group.size()).isEqualTo(max);
            assertThat(group.consumerNames()).hasSize(max).doesNotHaveDuplicates();
            timeouts().await("every consumer active").until(() -> group.health().active() == max);
            int atMax = seen.size();
            awaitCount("progress with " + max + " consumers", seen::size, Math.min(total, atMax + total / 6));
            group.scaleTo(1);
            assertThat(group.size()).isEqualTo(1);
            assertThat(group.health().status()).isEqualTo(GroupHealth.Status.HEALTHY);

            List<String> ids = resultOf(load, timeouts().bulk());
            awaitCount("every message processed", () -> (int) ids.stream().filter(seen::contains).count(), total);
            assertThat(seen).containsAll(ids);
            timeouts().await("the statistics to count every message, removed consumers included")
                    .until(() -> group.stats().processed() >= total);
            GroupStats stats = group.stats();
            assertThat(stats.failed()).isZero();
            assertThat(stats.consumers()).isEqualTo(1);
            if (broker().capabilities().supports(Capability.LAG)) {
                timeouts().await("the group's lag to drain").until(() -> group.stats().lag().map(ConsumerLag::total)
                        .orElse(-1L) == 0);
            }
        }

        /**
         * Two of five consumers killed (their subscriptions closed behind the manager's back) under load are
         * restarted by the supervisor under their names, and every message is processed at least once. If it
         * fails, check the supervisor.
         */
        @Test
        @DisplayName("killed consumers are restarted and nothing is lost")
        void required_killedConsumersAreRestarted() {
            String topic = topic("cg-kill");
            ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Semaphore credits = new Semaphore(200);
            ConsumerGroup group = manager.createGroup(template(topic, group("kill")).build(), 5, d -> {
                if (seen.add(d.message().id())) {
                    credits.release();
                }
            });
            int total = 2000;
            CompletableFuture<List<String>> load = publishUnderLoad(topic, total, credits);
            awaitCount("some progress", seen::size, total / 4);
            List<String> victims = group.consumerNames().subList(1, 3);
            for (String victim : victims) {
                Subscription s = group.subscription(victim).orElseThrow();
                s.close();
                assertThat(s.isActive()).isFalse();
            }
            timeouts().await("the supervisor to restart both").until(() -> group.health().restarts() == 2
                    && group.health().active() == 5);
            assertThat(group.size()).isEqualTo(5);
            for (ConsumerStats s : group.consumerStats()) {
                assertThat(s.restarts()).as("restarts of %s", s.consumerName())
                        .isEqualTo(victims.contains(s.consumerName()) ? 1 : 0);
                assertThat(s.active()).isTrue();
            }
            List<String> ids = resultOf(load, timeouts().bulk());
            awaitCount("every message processed", () -> (int) ids.stream().filter(seen::contains).count(), total);
            assertThat(group.health().status()).isEqualTo(GroupHealth.Status.HEALTHY);
            assertThat(group.stats().restarts()).isEqualTo(2);
        }

        /**
         * Seven messages that succeed and three that fail give exactly processed 7 and failed 3, per consumer and
         * per group, with uptime and throughput, and the lag drains. If it fails, check the handler wrapper.
         */
        @Test
        @DisplayName("statistics count processed and failed messages exactly")
        void required_statisticsAreExact() {
            String topic = topic("cg-stats");
            ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
            ConsumerGroup group = manager.createGroup(template(topic, group("stats")).retryPolicy(RetryPolicy.noRetries())
                    .build(), 1, d -> {
                        if (d.message().header("fail").isPresent()) {
                            throw new IllegalArgumentException("bad input");
                        }
                    });
            for (int i = 0; i < 10; i++) {
                Message.Builder m = Message.builder(topic).text("m-" + i);
                if (i % 4 == 1) {
                    m.header("fail", "yes");
                }
                broker().publish(m.build());
            }
            timeouts().await("7 processed and 3 failed").until(() -> group.stats().processed() == 7
                    && group.stats().failed() == 3);
            ConsumerStats consumer = group.consumerStats().get(0);
            assertThat(consumer.processed()).isEqualTo(7);
            assertThat(consumer.failed()).isEqualTo(3);
            assertThat(consumer.restarts()).isZero();
            assertThat(consumer.active()).isTrue();
            assertThat(consumer.uptime()).isPositive();
            assertThat(consumer.throughput()).isPositive();
            GroupStats stats = group.stats();
            assertThat(stats.topic()).isEqualTo(topic);
            assertThat(stats.consumers()).isEqualTo(1);
            assertThat(stats.activeConsumers()).isEqualTo(1);
            assertThat(stats.throughput()).isPositive();
            assertThat(stats.uptime()).isPositive();
            if (broker().capabilities().supports(Capability.LAG)) {
                timeouts().await("the lag to drain").until(() -> group.stats().lag().map(ConsumerLag::total).orElse(-1L) == 0);
            }
            if (broker().capabilities().supports(Capability.DEAD_LETTER_QUEUE)) {
                timeouts().await("3 dead letters").until(() -> broker().deadLetters(topic, group.group()).count() == 3);
            }
        }

        /**
         * Consumers added and removed at run time: names are unique, removal by name and of the newest works. If
         * it fails, check ConsumerGroup's membership.
         */
        @Test
        @DisplayName("consumers are added and removed at run time")
        void required_consumersAreAddedAndRemovedAtRunTime() {
            String topic = topic("cg-members");
            ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
            Set<String> handledBy = ConcurrentHashMap.newKeySet();
            ConsumerGroup group = manager.createGroup(template(topic, group("members")).build(), 1,
                    d -> handledBy.add(d.consumerName()));
            assertThat(manager.group(topic, group.group())).containsSame(group);
            String second = group.addConsumer();
            String third = group.addConsumer();
            assertThat(group.consumerNames()).hasSize(3).doesNotHaveDuplicates().endsWith(second, third);
            assertThat(group.removeConsumer(second)).isTrue();
            assertThat(group.removeConsumer(second)).isFalse();
            assertThat(group.removeConsumer()).contains(third);
            assertThat(group.consumerNames()).hasSize(1);
            String last = group.consumerNames().get(0);
            broker().publish(Message.builder(topic).text("x").build());
            timeouts().await("the remaining consumer to handle a message").until(() -> handledBy.contains(last));
            assertThat(handledBy).containsExactly(last);
            group.close();
            assertThat(group.health().status()).isEqualTo(GroupHealth.Status.CLOSED);
            assertThat(manager.groups()).isEmpty();
            assertThatThrownBy(group::addConsumer).isInstanceOf(IllegalStateException.class);
        }

        /**
         * Closing a group while its handlers run lets them finish (none is cut short) and acknowledges their
         * messages; a new group member then gets every other message and none of those. If it fails, check
         * graceful close.
         */
        @Test
        @DisplayName("closing a group drains it gracefully and another member finishes the rest")
        void required_closingDrainsGracefully() {
            String topic = topic("cg-drain");
            String groupName = group("drain");
            ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
            CountDownLatch release = latch(1);
            Set<String> started = ConcurrentHashMap.newKeySet();
            Set<String> finished = ConcurrentHashMap.newKeySet();
            ConsumerGroup group = manager.createGroup(template(topic, groupName).maxInFlight(1)
                    .shutdownGracePeriod(timeouts().eventually()).build(), 3, d -> {
                        started.add(d.message().id());
                        await(release);
                        finished.add(d.message().id());
                    });
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(broker().publish(Message.builder(topic).text("job-" + i).build()).messageId());
            }
            timeouts().await("three handlers running").until(() -> started.size() == 3);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(group::close);
            timeouts().await("the group to begin closing").until(group::isClosed);
            release.countDown();
            resultOf(closing, timeouts().eventually());
            assertThat(finished).as("handlers that finished during the drain").isEqualTo(started);

            Set<String> second = ConcurrentHashMap.newKeySet();
            manager.createGroup(template(topic, groupName).build(), 1, d -> second.add(d.message().id()));
            awaitCount("the rest of the messages", () -> second.size() + finished.size(), ids.size());
            assertThat(second).as("messages acknowledged during the drain are not delivered again")
                    .doesNotContainAnyElementsOf(finished);
            Set<String> all = new HashSet<>(finished);
            all.addAll(second);
            assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(ids.stream().filter(id -> !all.contains(id)).collect(Collectors.toList())).isEmpty();
        }
    }
}

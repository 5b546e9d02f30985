package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * The answering side of request-reply: a subscription whose {@link RequestHandler} turns each request into a
 * reply, published to the request's reply-to topic with its correlation id.
 * <pre>{@code
 * try (ReplyService agent = ReplyService.start(broker, "agents.llm",
 *         request -> new Answer(llm.complete(request.body(Question.class).text())))) { ... }
 * }</pre>
 *
 * <p>The reply is published before the request is acknowledged, so a service that dies in between answers
 * again after redelivery (the client drops the duplicate). A request that expired before it was handled (its
 * caller gave up) is acknowledged without calling the handler and counted in {@link Stats#expired()}. A
 * request without reply-to is handled and not answered. When the handler throws and the retry policy allows
 * no further attempt, an error reply (header {@value #STATUS_HEADER} = {@code error}) goes back, which the
 * client turns into a {@link RequestFailedException}, and the request goes to the dead-letter queue.
 *
 * <p>Thread-safe. Closing closes the subscription gracefully.
 */
public final class ReplyService implements AutoCloseable {
    /** Header of every reply: {@code ok} or {@code error}. */
    public static final String STATUS_HEADER = "greenlang.reply.status";
    /** Header of an error reply: the class name of the handler's exception. */
    public static final String ERROR_TYPE_HEADER = "greenlang.reply.error-type";
    /** Header of an error reply: the message of the handler's exception. */
    public static final String ERROR_MESSAGE_HEADER = "greenlang.reply.error-message";

    private final Broker broker;
    private final RequestHandler handler;
    private final RetryPolicy retryPolicy;
    private final Subscription subscription;
    private final LongAdder handled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder expired = new LongAdder();

    /**
     * What a service has done so far.
     *
     * @param handled requests the handler returned an answer for (counted before the reply is published)
     * @param failed handler invocations that threw, retries included
     * @param expired requests skipped because their caller's timeout had passed
     */
    public record Stats(long handled, long failed, long expired) {
    }

    private ReplyService(Broker broker, SubscriptionOptions options, RequestHandler handler) {
        this.broker = broker;
        this.handler = handler;
        this.retryPolicy = options.retryPolicy();
        this.subscription = broker.subscribe(options, this::handle);
    }

    /**
     * The options {@link #start(Broker, String, RequestHandler)} uses, to adjust: group = {@code topic},
     * concurrency 8, no retries (the caller is waiting, so a failure is answered at once), start at the
     * earliest retained request when the backend supports it (requests sent before the service's group
     * existed are answered unless they expired), expired requests only counted, not dead-lettered (their
     * callers gave up; that is no failure), a 5 s grace period on close.
     */
    public static SubscriptionOptions.Builder defaultOptions(Broker broker, String topic) {
        Objects.requireNonNull(broker, "broker");
        boolean earliest = broker.capabilities().supports(Capability.START_FROM_EARLIEST);
        return SubscriptionOptions.builder(topic, topic)
                .concurrency(8)
                .retryPolicy(RetryPolicy.noRetries())
                .startPosition(earliest ? StartPosition.EARLIEST : StartPosition.LATEST)
                .deadLetterExpired(false)
                .shutdownGracePeriod(Duration.ofSeconds(5));
    }

    /** Starts a service on {@code topic} with {@link #defaultOptions(Broker, String)}. */
    public static ReplyService start(Broker broker, String topic, RequestHandler handler) {
        return start(broker, defaultOptions(broker, topic).build(), handler);
    }

    /** Starts a service with the given subscription options. */
    public static ReplyService start(Broker broker, SubscriptionOptions options, RequestHandler handler) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return new ReplyService(broker, options, handler);
    }

    /** Whether {@code reply} is an error reply. */
    public static boolean isErrorReply(Message reply) {
        return "error".equals(reply.headers().get(STATUS_HEADER));
    }

    public String topic() {
        return subscription.topic();
    }

    /** The underlying subscription. */
    public Subscription subscription() {
        return subscription;
    }

    public boolean isActive() {
        return subscription.isActive();
    }

    public Stats stats() {
        return new Stats(handled.sum(), failed.sum(), expired.sum());
    }

    /** Closes the subscription, letting running handlers finish within its grace period. Idempotent. */
    @Override
    public void close() {
        subscription.close();
    }

    @Override
    public String toString() {
        return "ReplyService{" + subscription + "}";
    }

    private void handle(Delivery delivery) throws Exception {
        Message request = delivery.message();
        if (request.isExpired(Instant.now())) {
            expired.increment();
            return;
        }
        Object body;
        try {
            body = handler.handle(delivery);
        } catch (Exception e) {
            failed.increment();
            if (request.replyTo().isPresent() && !retryPolicy.shouldRetry(delivery.attempt(), e)) {
                broker.publish(reply(request)
                        .header(STATUS_HEADER, "error")
                        .header(ERROR_TYPE_HEADER, e.getClass().getName())
                        .header(ERROR_MESSAGE_HEADER, e.getMessage() == null ? "" : e.getMessage())
                        .build());
            }
            throw e;
        }
        handled.increment(); // counted before the reply leaves, so a caller that has the reply sees the count
        if (request.replyTo().isPresent()) {
            broker.publish(Payloads.withBody(reply(request), body, broker.codec()).header(STATUS_HEADER, "ok").build());
        }
    }

    private static Message.Builder reply(Message request) {
        return Message.builder(request.replyTo().orElseThrow())
                .correlationId(request.correlationId().orElse(request.id()));
    }
}

package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * The calling side of request-reply: sends requests and completes each with its correlated reply, or fails
 * it with {@link RequestTimeoutException} after its timeout.
 * <pre>{@code
 * try (RequestClient client = RequestClient.create(broker)) {
 *     Answer a = client.request("agents.llm", new Question("scope 2?"), Answer.class, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Every request of one client shares one reply inbox, a topic ({@link RequestClientOptions#replyTopic()})
 * read by one subscription. A request carries its id as correlation id and the inbox as reply-to; pending
 * requests wait in a map, and their timeouts run on one timer thread per client, so thousands of concurrent
 * requests cost no thread each. A reply that matches no pending request (late, duplicated or unknown) is
 * dropped and counted in {@link Stats#droppedReplies()}.
 *
 * <p>Thread-safe. Reply stages complete on the inbox thread, timeouts on the timer thread: dependent actions
 * that block should use the {@code *Async} variants of {@link CompletionStage}. Closing stops the inbox
 * subscription and fails every pending request with {@link BrokerClosedException}. The API has no way to
 * delete a topic, so the inbox topic and its group stay on the broker (empty unless late replies arrive);
 * a client that reuses its {@linkplain RequestClientOptions.Builder#clientId client id} reuses them.
 */
public final class RequestClient implements AutoCloseable {
    private final Broker broker;
    private final RequestClientOptions options;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;
    private final Subscription inbox;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder sent = new LongAdder();
    private final LongAdder replied = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    /**
     * What a client has done so far.
     *
     * @param sent requests sent
     * @param replied requests answered with a normal reply
     * @param failed requests answered with an error reply, or whose publish failed
     * @param timedOut requests that got no reply in time
     * @param droppedReplies replies that matched no pending request: late, duplicated or unknown
     * @param pending requests waiting for a reply now
     */
    public record Stats(long sent, long replied, long failed, long timedOut, long droppedReplies, int pending) {
    }

    private static final class Pending {
        final String topic;
        final String correlationId;
        final Duration timeout;
        final CompletableFuture<Message> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeoutTask;

        Pending(String topic, String correlationId, Duration timeout) {
            this.topic = topic;
            this.correlationId = correlationId;
            this.timeout = timeout;
        }

        void cancelTimeout() {
            ScheduledFuture<?> task = timeoutTask;
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    private RequestClient(Broker broker, RequestClientOptions options) {
        this.broker = broker;
        this.options = options;
        this.timer = Threads.scheduler("greenlang-request-timeouts-" + options.clientId());
        boolean earliest = broker.capabilities().supports(Capability.START_FROM_EARLIEST);
        SubscriptionOptions inboxOptions = SubscriptionOptions.builder(options.replyTopic(), options.clientId())
                .consumerName(options.clientId())
                .startPosition(earliest ? StartPosition.EARLIEST : StartPosition.LATEST)
                .retryPolicy(RetryPolicy.noRetries())
                .shutdownGracePeriod(options.closeGracePeriod())
                .build();
        try {
            this.inbox = broker.subscribe(inboxOptions, this::onReply);
        } catch (RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
    }

    /** A client with default options; subscribes to its reply inbox before returning. */
    public static RequestClient create(Broker broker) {
        return create(broker, RequestClientOptions.defaults());
    }

    /**
     * A client that subscribes to its reply inbox before returning.
     *
     * @throws io.greenlang.messaging.BrokerClosedException if the broker is closed
     */
    public static RequestClient create(Broker broker, RequestClientOptions options) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(options, "options");
        return new RequestClient(broker, options);
    }

    public RequestClientOptions options() {
        return options;
    }

    /** The topic replies come back on. */
    public String replyTopic() {
        return options.replyTopic();
    }

    /**
     * Sends {@code body}, encoded with the broker's codec (a {@link Message} is copied as it is), to
     * {@code topic}; see {@link #requestAsync(Message, Duration)}.
     */
    public CompletionStage<Message> requestAsync(String topic, Object body, Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(body, "body");
        return requestAsync(Payloads.withBody(Message.builder(topic), body, broker.codec()).build(), timeout);
    }

    /** Sends a request and decodes the reply as a {@code replyType}; see {@link #requestAsync(Message, Duration)}. */
    public <T> CompletionStage<T> requestAsync(String topic, Object body, Class<T> replyType, Duration timeout) {
        Objects.requireNonNull(replyType, "replyType");
        return requestAsync(topic, body, timeout).thenApply(reply -> Payloads.decode(reply, replyType, broker.codec()));
    }

    /**
     * Sends {@code request} with its id as correlation id and this client's inbox as reply-to (replacing any
     * it had) and, unless it has an expiry of its own or {@link RequestClientOptions#expireRequests()} is off,
     * an expiry at the timeout. The stage completes with the reply, or fails with
     * {@link RequestTimeoutException} once {@code timeout} has passed since this call,
     * {@link RequestFailedException} if the service's handler failed, the publish failure if the broker
     * refused the request, or {@link BrokerClosedException} if the client is closed first.
     *
     * @throws BrokerClosedException at once, if this client is closed
     * @throws io.greenlang.messaging.MessageTooLargeException at once, if the request is over the size limit
     * @throws IllegalArgumentException if {@code timeout} is not positive, or a request with this id is pending
     */
    public CompletionStage<Message> requestAsync(Message request, Duration timeout) {
        Objects.requireNonNull(request, "request");
        Payloads.positive(timeout, "timeout");
        ensureOpen();
        String correlationId = request.id();
        Message.Builder builder = request.mutate().correlationId(correlationId).replyTo(options.replyTopic());
        if (options.expireRequests() && request.expiresAt().isEmpty()) {
            builder.expiresAt(Instant.now().plus(timeout));
        }
        Message outgoing = builder.build();
        Pending p = new Pending(request.topic(), correlationId, timeout);
        if (pending.putIfAbsent(correlationId, p) != null) {
            throw new IllegalArgumentException("A request with id " + correlationId + " is already pending; send a "
                    + "new message (a new id) for every request.");
        }
        try {
            if (closed.get()) {
                throw closedException(p);
            }
            try {
                p.timeoutTask = timer.schedule(() -> expire(p), timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                throw closedException(p);
            }
            p.future.whenComplete((reply, failure) -> p.cancelTimeout());
            sent.increment();
            broker.publishAsync(outgoing).whenComplete((result, failure) -> {
                if (failure != null && pending.remove(correlationId, p)) {
                    failed.increment();
                    p.future.completeExceptionally(Payloads.unwrap(failure));
                }
            });
        } catch (RuntimeException e) {
            pending.remove(correlationId, p);
            p.cancelTimeout();
            throw e;
        }
        return p.future.copy();
    }

    /**
     * Sends a request and waits for the reply; see {@link #requestAsync(Message, Duration)}.
     *
     * @throws RequestTimeoutException if no reply came within {@code timeout}
     * @throws RequestFailedException if the service's handler failed
     */
    public Message request(String topic, Object body, Duration timeout) {
        return Broker.await(requestAsync(topic, body, timeout));
    }

    /** Sends a request, waits for the reply and decodes it; see {@link #request(String, Object, Duration)}. */
    public <T> T request(String topic, Object body, Class<T> replyType, Duration timeout) {
        return Broker.await(requestAsync(topic, body, replyType, timeout));
    }

    /** Sends a request message and waits for the reply; see {@link #requestAsync(Message, Duration)}. */
    public Message request(Message request, Duration timeout) {
        return Broker.await(requestAsync(request, timeout));
    }

    /** How many requests wait for a reply now. */
    public int pendingCount() {
        return pending.size();
    }

    public Stats stats() {
        return new Stats(sent.sum(), replied.sum(), failed.sum(), timedOut.sum(), dropped.sum(), pending.size());
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops the reply inbox (waiting at most its grace period) and fails every pending request with
     * {@link BrokerClosedException}. Idempotent; safe from any thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            inbox.close();
        } finally {
            for (Pending p : pending.values()) {
                if (pending.remove(p.correlationId, p)) {
                    p.future.completeExceptionally(closedException(p));
                }
            }
            timer.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "RequestClient{" + options.clientId() + ", replyTopic=" + options.replyTopic() + (closed.get() ? ", closed" : "")
                + "}";
    }

    private void onReply(Delivery delivery) {
        Message reply = delivery.message();
        String correlationId = reply.correlationId().orElse(null);
        Pending p = correlationId == null ? null : pending.remove(correlationId);
        if (p == null) {
            dropped.increment();
            return;
        }
        if (ReplyService.isErrorReply(reply)) {
            failed.increment();
            p.future.completeExceptionally(new RequestFailedException(p.topic, correlationId,
                    reply.header(ReplyService.ERROR_TYPE_HEADER).orElse("unknown"),
                    reply.header(ReplyService.ERROR_MESSAGE_HEADER).orElse("")));
        } else {
            replied.increment();
            p.future.complete(reply);
        }
    }

    private void expire(Pending p) {
        if (pending.remove(p.correlationId, p)) {
            timedOut.increment();
            p.future.completeExceptionally(new RequestTimeoutException(p.topic, p.correlationId, p.timeout));
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new BrokerClosedException("Request client " + options.clientId() + " is closed; create a new one.");
        }
    }

    private BrokerClosedException closedException(Pending p) {
        return new BrokerClosedException("Request client " + options.clientId() + " was closed before the reply to "
                + "request " + p.correlationId + " on topic '" + p.topic + "' arrived.");
    }
}

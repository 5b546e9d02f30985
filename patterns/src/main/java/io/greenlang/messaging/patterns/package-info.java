/**
 * Coordination patterns on top of the GreenLang Messaging API, written against {@code io.greenlang.messaging}
 * alone so that they run on every backend: request-reply ({@link io.greenlang.messaging.patterns.RequestClient},
 * {@link io.greenlang.messaging.patterns.ReplyService}), pub-sub ({@link io.greenlang.messaging.patterns.PubSub}),
 * a work queue ({@link io.greenlang.messaging.patterns.WorkQueue}), event sourcing
 * ({@link io.greenlang.messaging.patterns.EventStore}), sagas
 * ({@link io.greenlang.messaging.patterns.SagaCoordinator}), a circuit breaker
 * ({@link io.greenlang.messaging.patterns.CircuitBreaker}) and a consumer-group manager
 * ({@link io.greenlang.messaging.patterns.ConsumerGroupManager}).
 *
 * <p>Every class documents its thread-safety and what happens on failure. Everything that subscribes or
 * owns a thread is {@link java.lang.AutoCloseable}; every asynchronous result is a
 * {@link java.util.concurrent.CompletionStage}; every time is a {@link java.time.Duration}. Failures are
 * unchecked {@link io.greenlang.messaging.MessagingException}s, one subclass per kind.
 *
 * <p>Objects passed as bodies (requests, replies, events, saga inputs) are encoded with the broker's
 * {@linkplain io.greenlang.messaging.Broker#codec() codec}, and decoded with it when the content type
 * matches.
 *
 * <p>Null policy: as in {@code io.greenlang.messaging}, parameters and return values are never {@code null}
 * unless a method's documentation says otherwise; optional values are {@link java.util.Optional}. A
 * {@code null} argument fails at once with a {@link java.lang.NullPointerException} naming the parameter.
 */
package io.greenlang.messaging.patterns;

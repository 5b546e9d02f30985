/**
 * Small, runnable programs that show GreenLang Messaging: the basic features ({@link
 * io.greenlang.messaging.examples.PublishAndConsume}, {@link io.greenlang.messaging.examples.BatchPublish},
 * {@link io.greenlang.messaging.examples.PriorityExample}, {@link io.greenlang.messaging.examples.RetriesAndDeadLetters},
 * {@link io.greenlang.messaging.examples.TimeToLive}, {@link io.greenlang.messaging.examples.HealthAndMetrics},
 * {@link io.greenlang.messaging.examples.ConsumerGroupsExample}) and each coordination pattern (the
 * {@code *Example} classes named after them).
 *
 * <p>Each has a {@code main} that takes the broker URL as its optional first argument ({@code memory://} by
 * default) and a {@code run(Broker, PrintStream)} that does the work and returns what it showed, so that
 * {@code ExamplesTest} runs every example on every build. Topic names get a random suffix, so an example can
 * run again on a server that keeps its data.
 *
 * <p>Null policy: as in {@code io.greenlang.messaging}, nothing is {@code null}.
 */
package io.greenlang.messaging.examples;

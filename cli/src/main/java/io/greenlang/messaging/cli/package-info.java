/**
 * {@code glm}, the GreenLang Messaging command-line tool: a demo workflow, publish, consume, dead-letter
 * queues, lag, health and the benchmark, on any broker URL ({@code memory://} by default, so it runs with
 * no server). Start at {@link io.greenlang.messaging.cli.Main}.
 *
 * <p>Null policy: parameters and return values are never {@code null} unless documented otherwise; picocli
 * option fields are {@code null} when the option was not given and has no default.
 */
package io.greenlang.messaging.cli;

/**
 * The application-facing API of GreenLang Messaging: messages, brokers, subscriptions and deliveries.
 *
 * <p>Start with {@link io.greenlang.messaging.Brokers#connect(String)}. Everything here depends on the JDK
 * only; backends are found at run time with {@link java.util.ServiceLoader}.
 *
 * <p>Null policy: parameters and return values are never {@code null} unless a method's documentation
 * says otherwise; optional values are {@link java.util.Optional}. A {@code null} argument fails at once
 * with a {@link java.lang.NullPointerException} naming the parameter, before any I/O.
 */
package io.greenlang.messaging;

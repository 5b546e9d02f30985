/**
 * Micrometer meters and the Micrometer-free snapshot of a broker's activity:
 * {@link io.greenlang.messaging.spi.metrics.BrokerMetrics}.
 *
 * <p>Null policy: parameters and returns are non-null unless documented. A {@code null} argument fails at
 * once with a {@link java.lang.NullPointerException} naming the parameter.
 */
package io.greenlang.messaging.spi.metrics;

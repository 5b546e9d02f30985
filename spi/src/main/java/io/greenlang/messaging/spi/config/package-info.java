/**
 * Broker configuration from YAML files: {@link io.greenlang.messaging.spi.config.YamlBrokerConfig}.
 *
 * <p>Null policy: parameters and returns are non-null unless documented. A {@code null} argument fails at
 * once with a {@link java.lang.NullPointerException} naming the parameter.
 */
package io.greenlang.messaging.spi.config;

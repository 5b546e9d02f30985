/**
 * The binary envelope in which network backends store messages:
 * {@link io.greenlang.messaging.spi.wire.WireFormat}.
 *
 * <p>Null policy: parameters and returns are non-null unless documented. A {@code null} argument fails at
 * once with a {@link java.lang.NullPointerException} naming the parameter.
 */
package io.greenlang.messaging.spi.wire;

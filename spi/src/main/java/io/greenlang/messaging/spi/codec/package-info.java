/**
 * Codecs that turn objects into payload bytes and back: {@link io.greenlang.messaging.spi.codec.JsonCodec},
 * {@link io.greenlang.messaging.spi.codec.MessagePackCodec}, and {@link io.greenlang.messaging.spi.codec.Codecs},
 * the registry that picks one by name or content type.
 *
 * <p>Null policy: parameters and returns are non-null unless documented. A {@code null} argument fails at
 * once with a {@link java.lang.NullPointerException} naming the parameter.
 */
package io.greenlang.messaging.spi.codec;

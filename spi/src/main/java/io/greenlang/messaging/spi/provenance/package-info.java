/**
 * The provenance hash: a SHA-256 over a canonical encoding of a message's immutable fields, the same whichever
 * codec or backend carried the message. See {@link io.greenlang.messaging.spi.provenance.Provenance}.
 *
 * <p>Null policy: parameters and returns are non-null unless documented. A {@code null} argument fails at
 * once with a {@link java.lang.NullPointerException} naming the parameter.
 */
package io.greenlang.messaging.spi.provenance;

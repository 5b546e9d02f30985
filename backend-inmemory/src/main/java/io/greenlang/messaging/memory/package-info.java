/**
 * The in-memory backend ({@code memory://}): the whole contract in one JVM, without I/O. The reference
 * implementation the TCK is checked against, and a broker for tests and single-process use.
 *
 * <p>Null policy: parameters and return values are non-null unless documented otherwise.
 */
package io.greenlang.messaging.memory;

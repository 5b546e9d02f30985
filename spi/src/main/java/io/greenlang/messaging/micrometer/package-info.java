/**
 * Publishing a broker's meters to a Micrometer registry.
 *
 * <p>Null policy: parameters and return values are non-null.
 */
package io.greenlang.messaging.micrometer;

/**
 * The priority policy every backend keeps: which band each of the ten priorities falls in
 * ({@link io.greenlang.messaging.spi.priority.PriorityBands}) and which band to serve next, with the rule that keeps
 * lower priorities moving ({@link io.greenlang.messaging.spi.priority.BandScheduler}).
 *
 * <p>Null policy: parameters and return values are non-null.
 */
package io.greenlang.messaging.spi.priority;

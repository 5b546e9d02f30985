/**
 * The consumer runtime and broker skeleton every backend builds on, so that validation, size limits,
 * provenance, retries, dead-lettering, expiry, concurrency, in-flight limits, leases and graceful shutdown
 * behave the same on every backend. A backend extends {@link io.greenlang.messaging.spi.runtime.AbstractBroker}
 * and implements {@link io.greenlang.messaging.spi.runtime.ConsumerSource} for the broker-specific part.
 *
 * <p>Null policy: parameters and return values are non-null unless documented otherwise.
 */
package io.greenlang.messaging.spi.runtime;

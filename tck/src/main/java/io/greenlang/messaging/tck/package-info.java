/**
 * The GreenLang Messaging technology compatibility kit: the contract every backend keeps, as abstract
 * JUnit 5 tests. A backend's test class extends {@link io.greenlang.messaging.tck.BrokerContractTest} and
 * says how to start its broker; nothing else.
 *
 * <p>Null policy: as in {@code io.greenlang.messaging}, parameters and return values are never
 * {@code null}.
 */
package io.greenlang.messaging.tck;

/**
 * The contract of the coordination patterns ({@code greenlang-messaging-patterns}) as abstract JUnit 5 tests,
 * so that every backend proves the patterns work on it. A backend's test class extends
 * {@link io.greenlang.messaging.tck.patterns.PatternsContractTest} and says how to start its broker.
 *
 * <p>Null policy: as in {@code io.greenlang.messaging}, parameters and return values are never
 * {@code null}.
 */
package io.greenlang.messaging.tck.patterns;

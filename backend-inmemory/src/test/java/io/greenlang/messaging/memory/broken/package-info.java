/**
 * Deliberately broken backends that prove the TCK has teeth. Each is a decorator around a real
 * {@code memory://} broker that breaks one rule of the contract, written against the API only; each
 * {@code *Variant} class runs the TCK against one of them. The variants' names do not end in {@code Test},
 * so the build does not run them directly: {@code TckHasTeethTest} runs them through the JUnit Platform
 * launcher and checks that exactly the tests of the broken rule fail.
 */
package io.greenlang.messaging.memory.broken;

/**
 * Checks that no secret reaches any log at any level: {@link io.greenlang.messaging.tck.logging.TraceLogCheck} runs a
 * broker in a child JVM whose SLF4J provider ({@link io.greenlang.messaging.tck.logging.CapturingLogProvider}) turns
 * every logger to TRACE and keeps every line.
 */
package io.greenlang.messaging.tck.logging;

/**
 * The benchmark harness behind {@code glm bench}: it measures a backend through the public API and, in the
 * same run, a raw-client baseline doing the same work, and reports the ratio.
 *
 * <p>Start with {@link io.greenlang.messaging.benchmarks.Benchmark#run}. Scenarios are listed in
 * {@link io.greenlang.messaging.benchmarks.Scenario}; baselines are found per URL scheme with
 * {@link io.greenlang.messaging.benchmarks.Baselines} (a {@link java.util.ServiceLoader} of
 * {@link io.greenlang.messaging.benchmarks.BaselineProvider}), so a module that adds a backend can add its raw
 * baseline the same way.
 *
 * <p>Null policy: parameters and return values are never {@code null} unless documented otherwise.
 */
package io.greenlang.messaging.benchmarks;

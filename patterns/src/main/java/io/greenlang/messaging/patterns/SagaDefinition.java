package io.greenlang.messaging.patterns;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.greenlang.messaging.Names;

/**
 * A named sequence of {@link SagaStep}s, run in order; if one fails, the compensations of the steps before
 * it run in reverse order. Immutable; build with {@link #builder(String)}.
 * <pre>{@code
 * SagaDefinition report = SagaDefinition.builder("esg-report")
 *         .step(SagaStep.builder("collect").request("data.collect").compensateWithRequest("data.discard").build())
 *         .step(SagaStep.builder("analyse").request("agents.analyse").compensateWithRequest("agents.forget").build())
 *         .step(SagaStep.builder("publish").request("reports.publish").build())
 *         .build();
 * }</pre>
 */
public final class SagaDefinition {
    private final String name;
    private final List<SagaStep> steps;

    private SagaDefinition(String name, List<SagaStep> steps) {
        this.name = name;
        this.steps = List.copyOf(steps);
    }

    /**
     * @throws IllegalArgumentException if the name is not valid (the rules of topic names, see {@link Names})
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The steps, in order; unmodifiable. */
    public List<SagaStep> steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "SagaDefinition{" + name + ", steps=" + steps.stream().map(SagaStep::name).toList() + "}";
    }

    /** Builds a {@link SagaDefinition}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<SagaStep> steps = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder(String name) {
            this.name = Names.requireValidTopic(name);
        }

        /**
         * Adds the next step.
         *
         * @throws IllegalArgumentException if a step of that name was added already
         */
        public Builder step(SagaStep step) {
            if (!names.add(step.name())) {
                throw new IllegalArgumentException("Saga '" + name + "' already has a step named '" + step.name() + "'.");
            }
            steps.add(step);
            return this;
        }

        /**
         * @throws IllegalStateException if there is no step
         */
        public SagaDefinition build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("Saga '" + name + "' has no steps.");
            }
            return new SagaDefinition(name, steps);
        }
    }
}

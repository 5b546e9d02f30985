package io.greenlang.messaging.benchmarks;

/** A baseline's target: labelled {@code raw} in tables, described by its provider. */
abstract class RawTarget implements BenchTarget {
    private final String description;

    RawTarget(String description) {
        this.description = description;
    }

    @Override
    public final String label() {
        return "raw";
    }

    @Override
    public final String description() {
        return description;
    }
}

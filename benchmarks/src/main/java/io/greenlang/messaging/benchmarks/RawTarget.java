package io.greenlang.messaging.benchmarks;

/** A baseline's target: labelled in tables as its provider says ({@code raw}, {@code peer}), described by it. */
abstract class RawTarget implements BenchTarget {
    private final String label;
    private final String description;

    RawTarget(String description) {
        this("raw", description);
    }

    RawTarget(String label, String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public final String label() {
        return label;
    }

    @Override
    public final String description() {
        return description;
    }
}

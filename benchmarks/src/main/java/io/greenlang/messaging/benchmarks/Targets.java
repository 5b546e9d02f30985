package io.greenlang.messaging.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The targets a benchmark measures, in table order: the library, the raw client, the raw client plus the
 * provenance hash (network backends), and the peer a team would pick instead, each where installed and chosen.
 * Closing closes them all.
 */
final class Targets implements AutoCloseable {
    private final List<BenchTarget> chosen = new ArrayList<>();
    private final List<BenchTarget> owned = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Targets(BenchConfig config) {
        try {
            open(config);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void open(BenchConfig config) {
        String scheme = config.broker().scheme();
        if (config.runsTarget("library")) {
            add(new LibraryTarget(config.broker(), config.maxInFlight()), true);
        }
        if (!config.baseline()) {
            return;
        }
        Optional<BaselineProvider> raw = Baselines.forScheme(scheme, "raw");
        boolean hashed = !scheme.equals("memory") && config.runsTarget("raw+hash");
        if (raw.isPresent() && (config.runsTarget("raw") || hashed)) {
            BenchTarget target = raw.get().create(config.broker());
            add(target, config.runsTarget("raw"));
            if (hashed) {
                chosen.add(new HashingTarget(target));
            }
        } else if (raw.isEmpty()) {
            notes.add("No raw baseline is installed for scheme '" + scheme + "' (baselines exist for: "
                    + String.join(", ", Baselines.schemes()) + "), so no ratio is shown.");
        }
        Optional<BaselineProvider> peer = Baselines.forScheme(scheme, "peer");
        if (peer.isPresent() && config.runsTarget("peer")) {
            add(peer.get().create(config.broker()), true);
        }
    }

    private void add(BenchTarget target, boolean measured) {
        owned.add(target);
        if (measured) {
            chosen.add(target);
        }
    }

    /** The targets to measure, in table order. */
    List<BenchTarget> chosen() {
        return chosen;
    }

    /** Remarks for the report, such as a missing baseline. */
    List<String> notes() {
        return notes;
    }

    /** Closes every target opened; a second call does nothing. */
    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}

package io.greenlang.messaging.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the {@link BaselineProvider} for a URL scheme with {@link ServiceLoader}, in the thread's context
 * class loader. Two providers with one label for one scheme are an error naming both; nothing is cached.
 */
public final class Baselines {
    private Baselines() {
    }

    /**
     * The raw-client baseline for {@code scheme}, if one is installed.
     *
     * @throws BenchmarkException if several providers claim the scheme with one label
     */
    public static Optional<BaselineProvider> forScheme(String scheme) {
        return forScheme(scheme, "raw");
    }

    /**
     * The baseline labelled {@code label} ({@code raw}, {@code peer}) for {@code scheme}, if one is installed.
     *
     * @throws BenchmarkException if several providers claim the scheme with that label
     */
    public static Optional<BaselineProvider> forScheme(String scheme, String label) {
        String wanted = scheme.toLowerCase(Locale.ROOT);
        List<BaselineProvider> found = new ArrayList<>();
        for (BaselineProvider p : load()) {
            if (p.schemes().contains(wanted) && p.label().equals(label)) {
                found.add(p);
            }
        }
        if (found.size() > 1) {
            List<String> names = new ArrayList<>();
            found.forEach(p -> names.add(p.getClass().getName()));
            throw new BenchmarkException("Several " + label + " baselines handle scheme '" + wanted + "': "
                    + String.join(" and ", names) + ". Remove all but one from the class path.");
        }
        return found.stream().findFirst();
    }

    /** The schemes that have a baseline. */
    public static Set<String> schemes() {
        Set<String> schemes = new TreeSet<>();
        for (BaselineProvider p : load()) {
            schemes.addAll(p.schemes());
        }
        return schemes;
    }

    private static List<BaselineProvider> load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Baselines.class.getClassLoader();
        }
        List<BaselineProvider> providers = new ArrayList<>();
        ServiceLoader.load(BaselineProvider.class, loader).forEach(providers::add);
        return providers;
    }
}

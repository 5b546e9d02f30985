package io.greenlang.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rejects options a backend does not read, so that a misspelt option fails at connect instead of being ignored:
 * the error names each unknown option, suggests the closest known one, and lists what the backend knows.
 */
final class UnknownOptions {
    private UnknownOptions() {
    }

    /** @throws ConfigurationException if {@code config} has an option that {@code provider} does not read */
    static void reject(BrokerConfig config, BrokerProvider provider) {
        Set<String> known = new TreeSet<>(BrokerConfig.COMMON_OPTIONS);
        known.addAll(provider.options());
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(config.options().keySet())) {
            if (!known.contains(name) && provider.optionPrefixes().stream().noneMatch(name::startsWith)) {
                unknown.add(name);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder();
        for (String name : unknown) {
            msg.append("Unknown option '").append(name).append("' for ").append(config.scheme()).append("://");
            String closest = closest(name, known);
            if (closest != null) {
                msg.append(": did you mean '").append(closest).append("'?");
            }
            msg.append(' ');
        }
        msg.append("Options of ").append(config.scheme()).append("://: ").append(String.join(", ", known));
        for (String prefix : new TreeSet<>(provider.optionPrefixes())) {
            msg.append(", ").append(prefix).append("<name>");
        }
        msg.append(". Correct or remove ").append(unknown.size() == 1 ? "it" : "them")
                .append(" (in the URL's query, the options map or GREENLANG_MESSAGING_* variables).");
        throw new ConfigurationException(msg.toString());
    }

    /** The known option nearest to {@code name} by edit distance, if it is near enough to be a typo. */
    static String closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

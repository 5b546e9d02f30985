package io.greenlang.messaging;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps secrets out of what a {@link BrokerConfig} shows in {@code toString()}, logs and exception messages: the
 * URL's password, and the value of every option whose name says it holds a secret. A secret shows as {@code ***}.
 */
final class Redaction {
    private static final String MASK = "***";

    private Redaction() {
    }

    /** Whether an option holds a secret, by its name. */
    static boolean isSecret(String optionName) {
        String n = optionName.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token") || n.contains("jaas");
    }

    /** {@code scheme://[user[:***]@]host,...[/path]}: the URL with its password masked and without its query. */
    static String url(String scheme, String username, String password, List<String> hosts, String path) {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (username != null) {
            sb.append(username);
            if (password != null) {
                sb.append(":" + MASK);
            }
            sb.append('@');
        } else if (password != null) {
            sb.append(":" + MASK + "@");
        }
        sb.append(String.join(",", hosts));
        if (!path.isEmpty()) {
            sb.append('/').append(path);
        }
        return sb.toString();
    }

    /** The options sorted by name, secret values masked. */
    static Map<String, String> options(Map<String, String> options) {
        Map<String, String> shown = new TreeMap<>();
        options.forEach((k, v) -> shown.put(k, isSecret(k) ? MASK : v));
        return shown;
    }

    /** An option's value as an error message quotes it: in quotes, or masked if the option holds a secret. */
    static String optionValue(String name, String value) {
        return isSecret(name) ? MASK : "'" + value + "'";
    }

    /**
     * A URL as written, for an error about a URL that could not be parsed: everything between the user name and
     * the last {@code @} of the authority is hidden.
     */
    static String unparsedUrl(String url) {
        int sep = url.indexOf("://");
        int start = sep < 0 ? 0 : sep + 3;
        int at = url.lastIndexOf('@');
        if (at < start) {
            return url;
        }
        int colon = url.indexOf(':', start);
        int cut = colon >= 0 && colon < at ? colon + 1 : start;
        return url.substring(0, cut) + MASK + url.substring(at);
    }
}

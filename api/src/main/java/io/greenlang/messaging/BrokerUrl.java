package io.greenlang.messaging;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A broker URL taken apart:
 * {@code scheme://[user[:password]@]host[:port][,host[:port]...][/path][?option=value&...]}. User info, path and
 * query are percent-decoded; a query parameter without a value reads as {@code true}. It holds the password, so
 * {@link #toString()} masks it.
 */
record BrokerUrl(String scheme, String username, String password, List<String> hosts, String path,
        Map<String, String> query) {
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9._\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

    /**
     * Parses {@code url}; {@code username} and {@code password} are null when it has none.
     *
     * @throws ConfigurationException if it has no scheme, an invalid scheme or an invalid host
     */
    static BrokerUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new ConfigurationException("Broker URL '" + Redaction.unparsedUrl(url)
                    + "' has no scheme. Write it as scheme://host:port, for example memory://, redis://localhost:6379 "
                    + "or kafka://localhost:9092.");
        }
        String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!SCHEME.matcher(scheme).matches()) {
            throw new ConfigurationException("Broker URL '" + Redaction.unparsedUrl(url) + "' has an invalid scheme '"
                    + scheme + "'.");
        }
        String rest = url.substring(sep + 3);
        Map<String, String> query = new LinkedHashMap<>();
        int questionMark = rest.indexOf('?');
        if (questionMark >= 0) {
            for (String pair : rest.substring(questionMark + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                query.put(k, eq < 0 ? "true" : decode(pair.substring(eq + 1)));
            }
            rest = rest.substring(0, questionMark);
        }
        String username = null;
        String password = null;
        int at = rest.lastIndexOf('@'); // user info ends at the last '@', so a password may hold '/' or '@'
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            username = user.isEmpty() ? null : user;
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1));
            }
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = decode(rest.substring(slash + 1));
            rest = rest.substring(0, slash);
        }
        List<String> hosts = rest.isEmpty() ? List.of() : List.of(rest.split(","));
        for (String host : hosts) {
            if (!HOST.matcher(host).matches()) {
                throw new ConfigurationException("Broker URL '" + Redaction.unparsedUrl(url) + "' has an invalid host '"
                        + host + "'. Write hosts as host or host:port, separated by commas.");
            }
        }
        return new BrokerUrl(scheme, username, password, hosts, path, Map.copyOf(query));
    }

    /** The URL without its query, the password masked. */
    @Override
    public String toString() {
        return Redaction.url(scheme, username, password, hosts, path);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

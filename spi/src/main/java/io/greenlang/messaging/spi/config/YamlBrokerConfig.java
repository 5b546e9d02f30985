package io.greenlang.messaging.spi.config;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.spi.config.YamlNode.Kind;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a {@link BrokerConfig} from YAML.
 *
 * <p>The keys are {@code url} (required), {@code username}, {@code password} and {@code options}, either at the
 * top level of the document or under {@code greenlang: messaging:} (then other top-level keys, such as those of
 * an application's own configuration, are ignored):
 * <pre>{@code
 * greenlang:
 *   messaging:
 *     url: redis://redis.internal:6379
 *     username: agent
 *     password: ${REDIS_PASSWORD}
 *     options:
 *       codec: msgpack
 *       retention: ${RETENTION:-7d}
 *       tls:
 *         trust-cert: /etc/ssl/ca.pem     # option "tls.trust-cert"
 * }</pre>
 *
 * <p>Values are taken as written: YAML's type conversion is not applied, so {@code 0x1F} stays {@code 0x1F}
 * and {@code yes} stays {@code yes}. Nested option maps are flattened with {@code .}; an option value must be
 * a scalar. A {@code username} or {@code password} written as null ({@code ~} or {@code null}) is absent; an
 * empty one is the empty string. {@code username}, {@code password} and options override those of the URL.
 *
 * <p>Every value may reference environment variables: {@code ${NAME}} is the variable's value, and an error if it
 * is not set; {@code ${NAME:-default}} is the default when the variable is unset or empty (the default is the
 * text up to the first <code>&#125;</code>, without further references); <code>$&#36;&#123;</code> is a literal
 * <code>&#36;&#123;</code>. Variables are substituted after YAML parsing, so their values are never parsed as
 * YAML.
 *
 * <p>Every failure is a {@link ConfigurationException} that names the file (or "YAML configuration" for a
 * string), the line and column, what is wrong and what to do. Passwords and other secret values never appear in
 * these messages.
 *
 * <p>Thread-safe and stateless.
 */
public final class YamlBrokerConfig {
    private static final Set<String> KEYS = Set.of("url", "username", "password", "options");
    private static final String KEY_LIST = "url, username, password, options";

    private YamlBrokerConfig() {
    }

    /**
     * Reads a UTF-8 YAML file, resolving variables from the process environment; blocks on file I/O.
     *
     * @throws ConfigurationException if the file cannot be read or the document is invalid
     */
    public static BrokerConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Reads a UTF-8 YAML file, resolving variables from {@code environment}; blocks on file I/O.
     *
     * @throws ConfigurationException if the file cannot be read or the document is invalid
     */
    public static BrokerConfig load(Path file, Map<String, String> environment) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(environment, "environment");
        String source = "Configuration file " + file;
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(source + " does not exist. Create it, or point to the right path.", e);
        } catch (AccessDeniedException e) {
            throw new ConfigurationException(source + " cannot be read: permission denied. Make it readable by "
                    + "this process.", e);
        } catch (CharacterCodingException e) {
            throw new ConfigurationException(source + " is not valid UTF-8 text. Save it as UTF-8.", e);
        } catch (IOException e) {
            throw new ConfigurationException(source + " cannot be read (" + e.getClass().getSimpleName() + "). "
                    + "Check that it is a readable file.", e);
        }
        return new Reader(source, environment).read(yaml);
    }

    /**
     * Reads a YAML document, resolving variables from the process environment.
     *
     * @throws ConfigurationException if the document is invalid
     */
    public static BrokerConfig parse(String yaml) {
        return parse(yaml, System.getenv());
    }

    /**
     * Reads a YAML document, resolving variables from {@code environment}.
     *
     * @throws ConfigurationException if the document is invalid
     */
    public static BrokerConfig parse(String yaml, Map<String, String> environment) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(environment, "environment");
        return new Reader("YAML configuration", environment).read(yaml);
    }

    /**
     * One read of one document: parses it with {@link YamlParser} and maps it to a {@link BrokerConfig},
     * remembering the secret values it meets so that wrapped messages can be scrubbed of them.
     */
    private static final class Reader {
        private final String source;
        private final VariableSubstitution variables;
        private final List<String> secrets = new ArrayList<>();

        Reader(String source, Map<String, String> environment) {
            this.source = source;
            this.variables = new VariableSubstitution(source, environment);
        }

        BrokerConfig read(String yaml) {
            YamlNode root = YamlParser.parse(source, yaml);
            if (root == null) {
                throw error("the document is empty. Add url: <broker URL> (for example memory://, "
                        + "redis://localhost:6379 or "
                        + "kafka://localhost:9092), at the top level or under greenlang: messaging:");
            }
            if (root.kind != Kind.MAPPING) {
                throw error("the top level " + root.at() + " is " + root.describe() + ", not a mapping. Write "
                        + "the keys " + KEY_LIST + ", at the top level or under greenlang: messaging:");
            }
            YamlNode section = root;
            String prefix = "";
            YamlNode greenlang = root.entries.get("greenlang");
            if (greenlang != null) {
                if (greenlang.kind != Kind.MAPPING || !greenlang.entries.containsKey("messaging")) {
                    throw error("the key 'greenlang' " + greenlang.at() + " has no 'messaging' mapping under "
                            + "it. Write greenlang: messaging: url: <broker URL>, or put url at the top level");
                }
                section = greenlang.entries.get("messaging");
                prefix = "greenlang.messaging.";
                if (section.kind != Kind.MAPPING) {
                    throw error("greenlang.messaging " + section.at() + " is " + section.describe()
                            + ", not a mapping. Write the keys " + KEY_LIST + " under it");
                }
            } else {
                for (String key : root.entries.keySet()) {
                    if (!KEYS.contains(key)) {
                        throw unknownKey(key, root, "at the top level");
                    }
                }
            }
            for (String key : section.entries.keySet()) {
                if (!KEYS.contains(key)) {
                    throw unknownKey(key, section, "under greenlang.messaging");
                }
            }

            // Interpolate the secrets first, so that later messages can be scrubbed of them.
            String password = optionalScalar(section, "password", prefix);
            if (password != null) {
                secrets.add(password);
            }
            String username = optionalScalar(section, "username", prefix);
            Map<String, String> options = new TreeMap<>();
            YamlNode optionsNode = section.entries.get("options");
            if (optionsNode != null && optionsNode.kind != Kind.NULL) {
                if (optionsNode.kind != Kind.MAPPING) {
                    throw error(prefix + "options " + optionsNode.at() + " is " + optionsNode.describe()
                            + ", not a mapping. Write one option per line: options: { name: value }");
                }
                flatten(optionsNode, "", prefix + "options.", options);
            }
            YamlNode urlNode = section.entries.get("url");
            if (urlNode == null || urlNode.kind == Kind.NULL) {
                throw error(prefix + "url is missing. Add url: <broker URL> (for example memory://, "
                        + "redis://localhost:6379 or kafka://localhost:9092)"
                        + (prefix.isEmpty() ? ", at the top level or under greenlang: messaging:" : ""));
            }
            String url = scalar(urlNode, prefix + "url");
            addUrlPassword(url);
            if (url.isBlank()) {
                throw error(prefix + "url " + urlNode.at() + " is empty. Set it to a broker URL such as "
                        + "redis://localhost:6379 (check the environment variable it references)");
            }
            BrokerConfig.Builder builder;
            try {
                builder = BrokerConfig.builder(url);
            } catch (ConfigurationException e) {
                if (url.indexOf('@') >= 0) {
                    // The URL holds credentials that a malformed URL may not let BrokerConfig mask.
                    throw new ConfigurationException(source + ": " + prefix + "url " + urlNode.at() + " is not a "
                            + "valid broker URL (details withheld: it holds credentials). Write it as "
                            + "scheme://[user[:password]@]host[:port][,host[:port]...][/path][?option=value&...], "
                            + "percent-encoding '@', ':' and '/' in the user name and password, or set username: "
                            + "and password: apart.");
                }
                throw new ConfigurationException(source + ": " + prefix + "url " + urlNode.at() + ": "
                        + scrub(e.getMessage()), e.getCause());
            }
            try {
                if (username != null) {
                    builder.username(username);
                }
                if (password != null) {
                    builder.password(password);
                }
                return builder.options(options).build();
            } catch (ConfigurationException e) {
                throw new ConfigurationException(source + ": " + scrub(e.getMessage()), e.getCause());
            }
        }

        private void flatten(YamlNode mapping, String namePrefix, String pathPrefix, Map<String, String> options) {
            for (Map.Entry<String, YamlNode> e : mapping.entries.entrySet()) {
                String name = namePrefix + e.getKey();
                YamlNode value = e.getValue();
                String path = pathPrefix + name;
                switch (value.kind) {
                    case MAPPING:
                        flatten(value, name + ".", pathPrefix, options);
                        break;
                    case SEQUENCE:
                        throw error(path + " " + value.at() + " is a list; an option value must be a single value. "
                                + "Write a list as one comma-separated string");
                    case NULL:
                        throw error(path + " " + value.at() + " has no value. Give it one, or remove it");
                    default:
                        if (options.containsKey(name)) {
                            throw error("option '" + name + "' is defined twice, the second time at " + path + " "
                                    + value.at() + ". Keep one of the two definitions");
                        }
                        String resolved = variables.substitute(value.text, path, value);
                        if (BrokerConfig.isSecret(name)) {
                            secrets.add(resolved);
                        }
                        options.put(name, resolved);
                }
            }
        }

        private String optionalScalar(YamlNode section, String key, String prefix) {
            YamlNode node = section.entries.get(key);
            if (node == null || node.kind == Kind.NULL) {
                return null;
            }
            return scalar(node, prefix + key);
        }

        private String scalar(YamlNode node, String path) {
            if (node.kind != Kind.SCALAR) {
                throw error(path + " " + node.at() + " is " + node.describe() + "; it must be a single value");
            }
            return variables.substitute(node.text, path, node);
        }

        /** Remembers the URL's password, to keep it out of wrapped messages. */
        private void addUrlPassword(String url) {
            int scheme = url.indexOf("://");
            if (scheme < 0) {
                return;
            }
            String rest = url.substring(scheme + 3);
            int slash = rest.indexOf('/');
            int query = rest.indexOf('?');
            int end = slash < 0 ? rest.length() : slash;
            if (query >= 0 && query < end) {
                end = query;
            }
            int at = rest.lastIndexOf('@', end - 1);
            if (at < 0) {
                return;
            }
            int colon = rest.indexOf(':');
            if (colon >= 0 && colon < at) {
                secrets.add(rest.substring(colon + 1, at));
            }
        }

        private String scrub(String message) {
            String m = message == null ? "" : message;
            for (String secret : secrets) {
                if (!secret.isEmpty()) {
                    m = m.replace(secret, "***");
                }
            }
            return m;
        }

        private ConfigurationException unknownKey(String key, YamlNode mapping, String where) {
            return error("unknown key '" + key + "' " + where + " " + mapping.keyPositions.get(key)
                    + ". The keys are "
                    + KEY_LIST + "; check the spelling, or put broker options under options:");
        }

        private ConfigurationException error(String what) {
            return new ConfigurationException(source + ": " + what + ".");
        }
    }
}

package io.greenlang.messaging.spi.config;

import io.greenlang.messaging.ConfigurationException;
import java.util.Map;

/**
 * Substitutes environment variables in a configuration value: {@code ${NAME}} is the variable's value, and an
 * error if it is not set; {@code ${NAME:-default}} is the default when the variable is unset or empty (the
 * default is the text up to the first <code>&#125;</code>, without further references); <code>$&#36;&#123;</code>
 * is a literal <code>&#36;&#123;</code>. A substituted value is not searched for references again.
 *
 * <p>Thread-safe if the environment map is not changed while in use.
 */
final class VariableSubstitution {
    private final String source;
    private final Map<String, String> environment;

    /**
     * @param source what the document is, to begin error messages: the file, or "YAML configuration"
     */
    VariableSubstitution(String source, Map<String, String> environment) {
        this.source = source;
        this.environment = environment;
    }

    /**
     * The value of {@code text} with its references substituted.
     *
     * @param path the value's key, and {@code node} the value, for error messages
     * @throws ConfigurationException if a reference is malformed, or names an unset variable without a default
     */
    String substitute(String text, String path, YamlNode node) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw error(path + " " + node.at() + " has a '${' without its closing '}'. Close the "
                            + "reference, or write $${ for a literal ${");
                }
                String expression = text.substring(i + 2, end);
                int separator = expression.indexOf(":-");
                String name = separator < 0 ? expression : expression.substring(0, separator);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw error(path + " " + node.at() + " references an environment variable with an invalid "
                            + "name" + (name.length() <= 40 && !name.isBlank() ? " '" + name + "'" : "")
                            + ". Use ${NAME} or ${NAME:-default}, where NAME is letters, digits and _");
                }
                String value = environment.get(name);
                if (separator >= 0 && (value == null || value.isEmpty())) {
                    value = expression.substring(separator + 2);
                }
                if (value == null) {
                    throw error(path + " " + node.at() + " references environment variable " + name
                            + ", which is not set. Set it, or give a default with ${" + name + ":-default}");
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private ConfigurationException error(String what) {
        return new ConfigurationException(source + ": " + what + ".");
    }
}

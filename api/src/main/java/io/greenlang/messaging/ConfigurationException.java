package io.greenlang.messaging;

/**
 * A URL, option, environment variable or configuration file is invalid, or no backend is installed for a URL's scheme.
 */
public class ConfigurationException extends MessagingException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

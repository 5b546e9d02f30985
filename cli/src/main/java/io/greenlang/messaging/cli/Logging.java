package io.greenlang.messaging.cli;

import java.util.Arrays;
import java.util.List;

/**
 * Quiet logging by default: slf4j-simple at {@code warn}, on standard error. {@code --verbose} (or
 * {@code -v}) lowers it to {@code info}, and to {@code debug} for the library. Explicit
 * {@code -Dorg.slf4j.simpleLogger...} settings win.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void configure(String[] args) {
        List<String> list = Arrays.asList(args);
        boolean verbose = list.contains("--verbose") || list.contains("-v");
        setIfAbsent(PREFIX + "defaultLogLevel", verbose ? "info" : "warn");
        if (verbose) {
            setIfAbsent(PREFIX + "log.io.greenlang", "debug");
        }
        setIfAbsent(PREFIX + "logFile", "System.err");
        setIfAbsent(PREFIX + "showThreadName", "false");
        setIfAbsent(PREFIX + "showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

package io.greenlang.messaging.cli;

import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;

/**
 * Silent libraries by default: without {@code --verbose} (or {@code -v}) nothing but the tool's own lines reaches
 * standard error, since a client library's warnings (a Kafka client retrying an unreachable broker, Lettuce
 * reconnecting) repeat what the tool says once, in its own words. {@code --verbose} logs at {@code info}, the
 * library at {@code debug}, through slf4j-simple on standard error. Explicit {@code -Dorg.slf4j.simpleLogger...}
 * settings win.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void configure(String[] args) {
        List<String> list = Arrays.asList(args);
        boolean verbose = list.contains("--verbose") || list.contains("-v");
        setIfAbsent(PREFIX + "defaultLogLevel", verbose ? "info" : "off");
        if (verbose) {
            setIfAbsent(PREFIX + "log.io.greenlang", "debug");
        }
        setIfAbsent(PREFIX + "logFile", "System.err");
        setIfAbsent(PREFIX + "showThreadName", "false");
        setIfAbsent(PREFIX + "showShortLogName", "true");
        // java.util.logging (the api module's discovery warnings) prints to standard error by itself
        LogManager.getLogManager().getLogger("").setLevel(verbose ? Level.INFO : Level.OFF);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

package io.greenlang.messaging.tck.logging;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider that enables every level of every logger and keeps every line, formatted as
 * {@code LEVEL logger - message} with the stack trace of a throwable. Selected with
 * {@code -Dslf4j.provider=io.greenlang.messaging.tck.logging.CapturingLogProvider}, in a JVM of its own (it is not
 * registered as a service, so it never replaces a test's usual binding).
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {
    private static final Queue<String> LINES = new ConcurrentLinkedQueue<>();

    private final ILoggerFactory loggers = name -> new CapturingLogger(name, LINES);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    /** Every line logged so far through any provider instance, in order. */
    public static List<String> lines() {
        return List.copyOf(LINES);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}

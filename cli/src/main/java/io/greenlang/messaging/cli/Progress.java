package io.greenlang.messaging.cli;

import java.io.PrintWriter;

/**
 * Shows how long work is going, on standard error so standard output stays data. On a terminal a single
 * line is rewritten in place ({@code \r}) at most ten times a second; otherwise a plain line is printed at
 * most once a second. Not thread-safe: call it from one thread.
 */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String label;
    private final boolean terminal;
    private final long intervalNanos;
    private long lastNanos;
    private int lastWidth;
    private boolean shown;

    Progress(PrintWriter err, String label, boolean terminal) {
        this.err = err;
        this.label = label;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 100_000_000L : 1_000_000_000L;
        this.lastNanos = System.nanoTime();
    }

    /** Shows {@code text} if enough time passed since the last update. */
    void update(String text) {
        long now = System.nanoTime();
        if (now - lastNanos < intervalNanos) {
            return;
        }
        lastNanos = now;
        show(text);
    }

    /** Shows {@code text} now, whatever the time since the last update. */
    void show(String text) {
        String line = label + ": " + text;
        if (terminal) {
            err.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            err.println(line);
        }
        err.flush();
        shown = true;
    }

    /** Clears the updating line on a terminal; nothing otherwise. */
    @Override
    public void close() {
        if (terminal && shown) {
            err.print('\r' + " ".repeat(lastWidth) + '\r');
            err.flush();
        }
    }
}

package io.greenlang.messaging.redis;

import java.time.Duration;

/**
 * The {@code MINID} threshold for option {@code retention}: entries older than the retention may be trimmed. It is
 * worked out once a second, which keeps entries at most a second longer than the retention (on top of the slack of
 * {@code ~}). Shared by the publisher's appends and the scripts that add to retry streams. Thread-safe.
 */
final class TrimThreshold {
    private final Duration retention;
    private volatile Threshold last;

    TrimThreshold(Duration retention) {
        this.retention = retention;
    }

    /** The threshold now, or {@code null} if nothing is to be trimmed. */
    byte[] minId() {
        return minId(System.currentTimeMillis());
    }

    /** The threshold at {@code nowMillis}, or {@code null} if nothing is to be trimmed. */
    byte[] minId(long nowMillis) {
        long retentionMillis = retention.toMillis();
        long threshold = nowMillis - retentionMillis;
        if (retentionMillis <= 0 || threshold <= 0) {
            return null;
        }
        Threshold cached = last;
        long second = nowMillis / 1000;
        if (cached == null || cached.second() != second) {
            cached = new Threshold(second, Fields.bytes(Long.toString(threshold)));
            last = cached;
        }
        return cached.value();
    }

    /** The threshold now as scripts take it: {@code 0} trims nothing. */
    byte[] scriptArgument() {
        byte[] t = minId();
        return t != null ? t : Fields.bytes("0");
    }

    /** A threshold and the second it was worked out in. */
    private record Threshold(long second, byte[] value) {
    }
}

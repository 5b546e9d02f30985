package io.greenlang.messaging.redis;

import io.greenlang.messaging.Durations;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;

/**
 * A command failed because its connection answered nothing for {@code command-timeout}: the
 * {@link SilentConnectionWatchdog} took the connection for dead and closed it. A timeout, as far as the outcome
 * goes (the command may have run), but not one a longer timeout would cure; {@link RedisErrors} says so.
 */
final class SilentConnectionException extends RedisCommandTimeoutException {
    private static final long serialVersionUID = 1L;

    SilentConnectionException(Duration silence) {
        super("The connection answered nothing for " + Durations.format(silence)
                + " while this command waited; it was taken for dead and closed");
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.MessagingException;

/**
 * The failures of finding the master through the sentinels, which Lettuce words as connection failures to
 * "a Redis Sentinel", told apart and said in terms of what to fix: the sentinels' addresses, their credentials
 * (options {@code sentinel.username} and {@code sentinel.password}, not the data nodes'), or the master's name.
 */
final class SentinelErrors {
    private static final String UNKNOWN_MASTER = "Cannot provide redisAddress using sentinel";
    private static final String SENTINEL = "Redis Sentinel";

    private final RedisSettings settings;
    private final RedisErrors errors;

    SentinelErrors(RedisSettings settings, RedisErrors errors) {
        this.settings = settings;
        this.errors = errors;
    }

    /** The library's exception for a failure reaching the master through the sentinels, or {@code null}. */
    MessagingException translate(Throwable failure) {
        if (settings.sentinel().isEmpty()) {
            return null;
        }
        String master = settings.sentinel().get().master();
        String sentinels = settings.endpointsForMessages();
        Throwable cause = errors.scrubbed(failure);
        if (chainSays(failure, UNKNOWN_MASTER)) {
            return new ConnectionException("The sentinels at " + sentinels + " name no master '" + master
                    + "'. Check option " + RedisSettings.MASTER + " against their configuration (sentinel monitor "
                    + "NAME host port quorum): SENTINEL get-master-addr-by-name " + master + " on a sentinel should "
                    + "name its address.", cause);
        }
        if (!chainSays(failure, SENTINEL)) {
            return null;
        }
        if (chainSays(failure, "WRONGPASS") || chainSays(failure, "NOAUTH")) {
            return new AuthenticationException("The sentinels at " + sentinels + " refused "
                    + (settings.sentinel().get().password().isPresent() ? "the credentials given for them"
                            : "a connection without credentials")
                    + " (" + (chainSays(failure, "NOAUTH") ? "NOAUTH" : "WRONGPASS") + "). Set options "
                    + RedisSettings.SENTINEL_USERNAME + " and " + RedisSettings.SENTINEL_PASSWORD + ": the sentinels' "
                    + "own, which may differ from the data nodes' user and password in the URL.", cause);
        }
        return new ConnectionException("No sentinel at " + sentinels + " answered ("
                + errors.scrub(RedisErrors.rootCause(failure)) + "), so the address of master '" + master
                + "' is unknown. Check that the sentinels run and that hosts and ports are right (sentinels listen on "
                + "26379 by default)"
                + (settings.tls() ? ", and that they speak TLS with a trusted certificate" : "") + ".", cause);
    }

    private static boolean chainSays(Throwable failure, String text) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(text)) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (chainSays(s, text)) {
                    return true;
                }
            }
        }
        return false;
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.AuthenticationException;
import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.MessagingTimeoutException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns Lettuce's exceptions into the library's, with messages that say what to do, and keeps secrets out of
 * every message: the password and key store passwords are replaced by {@code ***} in messages and in the
 * messages of causes.
 */
final class RedisErrors {
    /** What Lettuce says when a command is refused because the connection is down: it was never sent. */
    static final String NOT_CONNECTED = "Currently not connected";

    private final RedisSettings settings;
    private final List<String> secrets;
    private final SentinelErrors sentinelErrors;

    RedisErrors(RedisSettings settings) {
        this.settings = settings;
        this.secrets = settings.secrets();
        this.sentinelErrors = new SentinelErrors(settings, this);
    }

    /** How a failed command ended, as far as the client can tell. */
    enum Outcome {
        /**
         * The server did not run it: it was never sent, or the server refused it before running it, for now
         * ({@code READONLY} and {@code UNBLOCKED}: a master just turned replica in a failover, whose clients the
         * sentinels then disconnect, so the reconnect finds the new master).
         */
        NOT_APPLIED_TRANSIENT,
        /** The command may or may not have run: the connection was lost or the reply did not come in time. */
        UNKNOWN,
        /** The server refused it for good (permissions, wrong type, script error...). */
        REFUSED
    }

    /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static Outcome outcome(Throwable failure) {
        Throwable t = unwrap(failure);
        String message = String.valueOf(t.getMessage());
        if (t instanceof RedisLoadingException || message.startsWith("LOADING") || message.startsWith(NOT_CONNECTED)
                || message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN")
                || message.startsWith("MASTERDOWN") || message.startsWith("READONLY")
                || message.startsWith("UNBLOCKED") || isRedirect(t) || t instanceof RedisConnectionException) {
            return Outcome.NOT_APPLIED_TRANSIENT;
        }
        if (t instanceof RedisCommandTimeoutException || t instanceof IOException || isConnectionLoss(t)) {
            return Outcome.UNKNOWN;
        }
        return Outcome.REFUSED;
    }

    /** Whether a failure means the connection is (or was) down, rather than a refusal by the server. */
    static boolean isConnectionProblem(Throwable failure) {
        Outcome o = outcome(failure);
        return o == Outcome.UNKNOWN || o == Outcome.NOT_APPLIED_TRANSIENT;
    }

    /**
     * Whether the server answered {@code MOVED} or {@code ASK}: the key's slot is served elsewhere, and the command
     * did not run. Only a command sent on a cluster node's own connection sees this; routing follows redirects.
     */
    static boolean isRedirect(Throwable failure) {
        String message = String.valueOf(unwrap(failure).getMessage());
        return message.startsWith("MOVED ") || message.startsWith("ASK ");
    }

    /** Whether the server answered NOGROUP: the stream or its group vanished (a restart without persistence). */
    static boolean isNoGroup(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).startsWith("NOGROUP")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionLoss(Throwable t) {
        if (t instanceof ClosedChannelException) {
            return true;
        }
        if (t instanceof RedisException && !(t instanceof io.lettuce.core.RedisCommandExecutionException)) {
            String m = String.valueOf(t.getMessage());
            return m.startsWith("Connection disconnected") || m.startsWith("Connection closed")
                    || m.contains("closed") || m.contains("disconnected");
        }
        return false;
    }

    /**
     * The library's exception for a failure of {@code what} (a phrase such as "publish to topic 'orders'").
     */
    MessagingException translate(Throwable failure, String what) {
        Throwable t = unwrap(failure);
        if (t instanceof MessagingException) {
            return (MessagingException) t;
        }
        MessagingException sentinelFailure = sentinelErrors.translate(t);
        if (sentinelFailure != null) {
            return sentinelFailure;
        }
        Throwable cause = scrubbed(t);
        String serverText = serverError(t);
        if (serverText != null) {
            String code = serverText.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (code) {
                case "NOPERM":
                    return new AuthenticationException("Redis user '" + settings.userForMessages()
                            + "' lacks a permission needed to " + what + ": " + scrub(serverText) + ". Grant it, for "
                            + "example ACL SETUSER " + settings.userForMessages()
                            + " +@stream +@sortedset +@scripting +ping +del ~" + settings.keyPrefix()
                            + ":*, or set option key-prefix to a prefix whose keys the user may use.", cause);
                case "WRONGPASS":
                    return new AuthenticationException("Redis at " + settings.endpointsForMessages()
                            + " refused user '" + settings.userForMessages() + "': wrong user name or password, or the "
                            + "user is disabled (WRONGPASS). Check the user and password in the URL "
                            + "(redis://user:password@host:port), in options username and password, or in "
                            + "GREENLANG_MESSAGING_USERNAME and GREENLANG_MESSAGING_PASSWORD.", cause);
                case "NOAUTH":
                    return new AuthenticationException("Redis at " + settings.endpointsForMessages()
                            + " requires authentication (NOAUTH), and " + (settings.password().isPresent()
                                    ? "the password given was not accepted"
                                    : "no password was given")
                            + ". Put the user and password in the URL (redis://user:password@host:port) or in options "
                            + "username and password.", cause);
                default:
                    break;
            }
        }
        if (t instanceof SilentConnectionException) {
            // a longer timeout would not help: the connection was dead, not the server slow
            return new MessagingTimeoutException("Redis at " + settings.endpointsForMessages() + " did not answer within "
                    + Durations.format(settings.commandTimeout()) + " to " + what + ": the connection answered nothing at "
                    + "all for that long, so it is treated as dead and is being replaced by a new one; the outcome is "
                    + "unknown.", cause);
        }
        if (t instanceof RedisCommandTimeoutException) {
            // the connection answered other commands meanwhile: on a silent one the watchdog fails the command first
            return new MessagingTimeoutException("Redis at " + settings.endpointsForMessages() + " did not answer within "
                    + Durations.format(settings.commandTimeout()) + " to " + what + "; the outcome is unknown. Raise option "
                    + RedisSettings.COMMAND_TIMEOUT + " if the server is busy.", cause);
        }
        if (t instanceof RedisLoadingException || (serverText != null && serverText.startsWith("LOADING"))) {
            return new ConnectionException("Redis at " + settings.endpointsForMessages() + " is loading its data set "
                    + "and cannot " + what + " yet (LOADING); try again shortly.", cause);
        }
        if (t instanceof RedisConnectionException) {
            return new ConnectionException("Cannot connect to Redis at " + settings.endpointsForMessages()
                    + (what.equals("connect") ? "" : " to " + what) + ": " + scrub(rootCause(t))
                    + ". Check that the server runs, that host and port are "
                    + "right" + (settings.tls() ? ", and that it speaks TLS and its certificate is trusted" : "")
                    + ".", cause);
        }
        if (isConnectionProblem(t)) {
            return new ConnectionException("The connection to Redis at " + settings.endpointsForMessages()
                    + " was lost or is down, so this client could not " + what + ": " + scrub(String.valueOf(t.getMessage()))
                    + ". It reconnects by itself; try again.", cause);
        }
        return new MessagingException("Redis at " + settings.endpointsForMessages() + " failed to " + what + ": "
                + scrub(String.valueOf(t.getMessage())), cause);
    }

    /** The server's error text (such as {@code NOPERM ...}) in the failure or its causes, or {@code null}. */
    private static String serverError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            for (String code : List.of("NOPERM", "WRONGPASS", "NOAUTH", "LOADING")) {
                int at = m.indexOf(code);
                if (at == 0 || (at > 0 && !Character.isLetter(m.charAt(at - 1)))) {
                    return m.substring(at);
                }
            }
            // an ACL refusal inside a Lua script (Redis 7.0 words it this way, without NOPERM)
            if (m.contains("The user executing the script can't") || m.contains("No permissions to")) {
                return "NOPERM " + m;
            }
        }
        return null;
    }

    /** What the deepest cause says, such as "Connection refused": Lettuce's own wrapper repeats the address. */
    static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m != null && !m.isBlank() ? m : root.getClass().getSimpleName();
    }

    /** {@code text} with every secret replaced by {@code ***}. */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }

    /** The failure itself if no message in its chain holds a secret; otherwise a scrubbed copy of the chain. */
    Throwable scrubbed(Throwable t) {
        boolean dirty = false;
        for (Throwable c = t; c != null && !dirty; c = c.getCause()) {
            String m = c.getMessage();
            dirty = m != null && !m.equals(scrub(m));
        }
        return dirty ? copy(t) : t;
    }

    private Throwable copy(Throwable t) {
        Throwable cause = t.getCause() != null && t.getCause() != t ? copy(t.getCause()) : null;
        ScrubbedException copy = new ScrubbedException(t.getClass().getName() + ": " + scrub(t.getMessage()), cause);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    /** Stands in for a Lettuce exception whose message held a secret. */
    static final class ScrubbedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScrubbedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

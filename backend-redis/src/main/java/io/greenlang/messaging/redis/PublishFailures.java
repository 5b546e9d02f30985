package io.greenlang.messaging.redis;

import io.greenlang.messaging.ConnectionException;
import io.greenlang.messaging.MessagingTimeoutException;
import io.lettuce.core.protocol.AsyncCommand;
import java.util.List;

/**
 * The errors of a publish whose outcome is unknown: the connection was lost or no reply came in time, or the
 * replicas did not confirm it ({@code replica-acks}). Each says that the message was not sent again, so that
 * the caller knows publishing it again may store it twice.
 */
final class PublishFailures {
    private static final String NOT_SENT_AGAIN = " Whether Redis stored it is unknown, so it was not sent again: "
            + "publishing it again may store it twice.";

    private final RedisSettings settings;
    private final RedisErrors errors;
    private final ReplicationWait replication;

    PublishFailures(RedisSettings settings, RedisErrors errors, ReplicationWait replication) {
        this.settings = settings;
        this.errors = errors;
        this.replication = replication;
    }

    /** The failure of a publish whose command may or may not have run. */
    RuntimeException unknownOutcome(Throwable failure, String what) {
        RuntimeException translated = errors.translate(failure, what);
        if (translated instanceof MessagingTimeoutException) {
            return new MessagingTimeoutException(translated.getMessage() + NOT_SENT_AGAIN, translated.getCause());
        }
        return new ConnectionException("The connection to Redis at " + settings.endpointsForMessages()
                + " was lost while this client tried to " + what + " ("
                + errors.scrub(String.valueOf(RedisErrors.unwrap(failure).getMessage())) + ")." + NOT_SENT_AGAIN
                + " The client reconnects by itself.", translated.getCause());
    }

    /** The publish's failure if its {@code WAIT}s failed or counted too few replicas; {@code null} if confirmed. */
    RuntimeException unconfirmed(List<AsyncCommand<byte[], byte[], Long>> waits, String what) {
        for (AsyncCommand<byte[], byte[], Long> wait : waits) {
            if (wait.isCompletedExceptionally()) {
                Throwable failure = RedisErrors.unwrap(wait.handle((v, e) -> e).join());
                if (RedisErrors.outcome(failure) != RedisErrors.Outcome.REFUSED) {
                    return unknownOutcome(failure, what);
                }
                // an error reply, such as a former master now a replica refusing WAIT: the connection is fine
                return new MessagingTimeoutException("Could not " + what + " with " + settings.replicaAcks().count()
                        + " replica acknowledgement(s): the master stored it, but WAIT failed ("
                        + errors.scrub(String.valueOf(failure.getMessage())) + "), so whether replicas have it is "
                        + "unknown; it was not sent again: publishing it again may store it twice.",
                        errors.scrubbed(failure));
            }
        }
        String shortfall = replication.shortfall(waits);
        return shortfall == null ? null : new MessagingTimeoutException("Could not " + what + " with "
                + settings.replicaAcks().count() + " replica acknowledgement(s): " + shortfall);
    }
}

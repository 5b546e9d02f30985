package io.greenlang.messaging.memory.broken;

import io.greenlang.messaging.Broker;

/**
 * Closes, then lets a client library's exception escape when the closing thread is interrupted, as the Redis
 * backend did before issue 14 ({@code io.lettuce.core.RedisCommandInterruptedException} from the client's
 * shutdown).
 */
public class CloseThrowsVariant extends BrokenVariant {
    /** Stands for the client library's own exception: not a {@code MessagingException}. */
    public static final class ClientInterruptedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClientInterruptedException() {
            super("Command interrupted (a client library's exception, leaked by a broken close)");
        }
    }

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public void close() {
                super.close();
                if (Thread.currentThread().isInterrupted()) {
                    throw new ClientInterruptedException();
                }
            }
        };
    }
}

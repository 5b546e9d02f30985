package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.CommandWrapper;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Which commands Lettuce times out")
class CommandTimeoutsTest {
    private final RedisClients.CommandTimeouts timeouts = new RedisClients.CommandTimeouts(Duration.ofSeconds(3));

    private static Command<byte[], byte[], String> xadd() {
        return new Command<>(CommandType.XADD, new StatusOutput<>(ByteArrayCodec.INSTANCE));
    }

    @Test
    @DisplayName("every command gets command-timeout, but one the publisher times itself gets none")
    void selfTimedCommandsGetNoTimer() {
        assertThat(timeouts.getTimeout(xadd())).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(timeouts.getTimeout(new AsyncCommand<>(xadd()))).isEqualTo(Duration.ofSeconds(3).toNanos());

        RedisClients.SelfTimedCommand<String> selfTimed = new RedisClients.SelfTimedCommand<>(xadd());
        assertThat(timeouts.getTimeout(selfTimed)).isZero();
        assertThat(timeouts.getTimeout(new CommandWrapper<>(selfTimed))).as("wrapped, as a cluster connection does")
                .isZero();
    }
}

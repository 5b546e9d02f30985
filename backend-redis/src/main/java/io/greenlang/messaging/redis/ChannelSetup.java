package io.greenlang.messaging.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import java.time.Duration;

/**
 * What this backend adds to the pipeline of every connection Lettuce opens, standalone, cluster node or any other:
 * the {@link QuietCommandEncoder} in place of Lettuce's, and a {@link SilentConnectionWatchdog}. Immutable.
 */
final class ChannelSetup implements NettyCustomizer {
    private final Duration commandTimeout;

    /** @param commandTimeout how long a connection may answer nothing while a command waits */
    ChannelSetup(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    @Override
    public void afterChannelInitialized(Channel channel) {
        QuietCommandEncoder.INSTALLER.afterChannelInitialized(channel);
        SilentConnectionWatchdog.install(channel, commandTimeout);
    }
}

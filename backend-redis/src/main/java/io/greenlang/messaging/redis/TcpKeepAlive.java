package io.greenlang.messaging.redis;

import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ExtendedKeepAliveSupport;
import java.time.Duration;

/**
 * TCP keep-alive for every connection, probing sooner than the system's default (two hours idle): an idle
 * connection to a host that is gone (powered off, cut off by the network) is closed by the kernel, and replaced,
 * within {@link #BOUND} of its last traffic. A connection waiting for a reply needs no probes: the
 * {@link SilentConnectionWatchdog} closes it after {@code command-timeout}. Probes do not help when something on the
 * way (a proxy) keeps answering for a server that is gone; the watchdog covers that case, on the first command sent.
 */
final class TcpKeepAlive {
    static final Duration IDLE = Duration.ofSeconds(30);
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final int PROBES = 3;
    /** The longest an idle connection to a vanished host stays open: idle time, then every probe unanswered. */
    static final Duration BOUND = IDLE.plus(INTERVAL.multipliedBy(PROBES));

    private TcpKeepAlive() {
    }

    /**
     * Socket options with {@code connectTimeout} and keep-alive: with the timings above where the transport can set
     * them per connection (Linux, and NIO on most systems); elsewhere with the system's timings, as Lettuce refuses
     * to connect with keep-alive timings it cannot apply.
     */
    static SocketOptions socketOptions(Duration connectTimeout) {
        SocketOptions.Builder b = SocketOptions.builder().connectTimeout(connectTimeout);
        if (ExtendedKeepAliveSupport.isSupported()) {
            b.keepAlive(SocketOptions.KeepAliveOptions.builder().enable().idle(IDLE).interval(INTERVAL).count(PROBES)
                    .build());
        } else {
            b.keepAlive(true);
        }
        return b.build();
    }
}

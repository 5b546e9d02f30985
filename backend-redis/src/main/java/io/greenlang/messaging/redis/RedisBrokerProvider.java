package io.greenlang.messaging.redis;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.BrokerProvider;
import java.util.Set;

/**
 * Provides brokers on Redis Streams for {@code redis://}, {@code rediss://} (TLS), {@code redis-cluster://} and
 * {@code redis-sentinel://} (or {@code rediss-sentinel://}) URLs, through Lettuce.
 *
 * <h2>URLs</h2>
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/database]}: one server; port 6379 by default.</li>
 *   <li>{@code rediss://...}: the same over TLS.</li>
 *   <li>{@code redis-cluster://[user:password@]host1:port1,host2:port2,...}: Redis Cluster, found from any of the
 *       seed nodes; add option {@code tls=true} for TLS.</li>
 *   <li>{@code redis-sentinel://[user:password@]s1:26379,s2:26379[/database]?master=NAME}: the master that Redis
 *       Sentinel monitors as {@code NAME}, found through any of the sentinels (port 26379 by default) and followed
 *       through failovers; {@code rediss-sentinel://...} for TLS to the sentinels and the data nodes. The user and
 *       password are the data nodes'; the sentinels' are options {@code sentinel.username} and
 *       {@code sentinel.password} (none by default).</li>
 * </ul>
 * The user and password may also come from options {@code username} and {@code password}, or from
 * {@code GREENLANG_MESSAGING_USERNAME} and {@code GREENLANG_MESSAGING_PASSWORD} with
 * {@link BrokerConfig#fromEnvironment()}. A password alone authenticates the {@code default} user. Secrets
 * never appear in logs, exception messages, {@code toString()} or metric tags.
 *
 * <h2>Options</h2>
 * Besides the shared ones ({@code codec}, {@code max-message-size}, {@code retention}):
 * <table>
 *   <caption>Redis options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code retention}</td><td>{@code 7d}</td><td>entries older than this are trimmed from the topic's
 *       streams as they are published to ({@code XADD ... MINID ~ now-retention}, at most once a second and
 *       every 100th append per stream); {@code 0} keeps everything</td></tr>
 *   <tr><td>{@code max-length}</td><td>none</td><td>instead of the age limit, keep about this many entries per
 *       band stream ({@code MAXLEN ~ n}, on the same schedule, so up to about 100 more)</td></tr>
 *   <tr><td>{@code key-prefix}</td><td>{@code glm}</td><td>first part of every key: <code>glm:{topic}:b0</code>;
 *       choose one an ACL user's key pattern allows ({@code ~glm:*})</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>{@code 10s}</td><td>TCP and TLS connect</td></tr>
 *   <tr><td>{@code command-timeout}</td><td>{@code 10s}</td><td>longest wait for any reply; a publish that gets
 *       none fails with {@link io.greenlang.messaging.MessagingTimeoutException} (outcome unknown). Also how long a
 *       connection may answer nothing at all while a command waits: then it is taken for dead (half-open: its
 *       server or the network went away without closing it) and replaced</td></tr>
 *   <tr><td>{@code block-timeout}</td><td>{@code 1s}</td><td>longest {@code XREADGROUP BLOCK} of a subscription;
 *       the consumer runtime asks for 100 ms</td></tr>
 *   <tr><td>{@code replica-acks}</td><td>{@code 0}</td><td>a publish is confirmed only once this many replicas
 *       have it ({@code WAIT n timeout} after each pipeline); fewer in time fails the publish with
 *       {@link io.greenlang.messaging.MessagingTimeoutException} (outcome unknown); see
 *       docs/high-availability.md</td></tr>
 *   <tr><td>{@code replica-ack-timeout}</td><td>{@code 1s}</td><td>how long a publish waits for those replicas;
 *       shorter than {@code command-timeout}</td></tr>
 *   <tr><td>{@code master}, {@code sentinel.username}, {@code sentinel.password}</td><td>none</td><td>for
 *       {@code redis-sentinel://}: the monitored master's name, and the sentinels' credentials</td></tr>
 *   <tr><td>{@code tls}</td><td>{@code false}</td><td>TLS for {@code redis-cluster://} (and {@code redis://})</td></tr>
 *   <tr><td>{@code tls.verify-peer}</td><td>{@code full}</td><td>{@code full} (chain and host name), {@code ca}
 *       (chain only) or {@code none}</td></tr>
 *   <tr><td>{@code tls.trust-cert}</td><td>JDK trust store</td><td>PEM file of the certificates to trust</td></tr>
 *   <tr><td>{@code tls.trust-store}, {@code tls.trust-store-password}</td><td>JDK trust store</td><td>a trust store
 *       file (PKCS#12 or JKS) instead</td></tr>
 *   <tr><td>{@code tls.client-cert}, {@code tls.client-key}, {@code tls.client-key-password}</td><td>none</td>
 *       <td>PEM certificate chain and PKCS#8 key, for servers that ask for client certificates</td></tr>
 * </table>
 *
 * <h2>Permissions</h2>
 * An ACL user needs the stream, sorted-set and scripting commands, {@code PING}, {@code DEL} and {@code INFO}
 * (optional, for the server version) on the prefix's keys, for example
 * {@code ACL SETUSER app on >secret ~glm:* +@stream +@sortedset +@scripting +ping +del +info}; for a cluster also
 * {@code +cluster|slots +cluster|nodes}. A missing permission fails with
 * {@link io.greenlang.messaging.AuthenticationException} naming it; a wrong password too.
 */
public final class RedisBrokerProvider implements BrokerProvider {
    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis-cluster", "redis-sentinel", "rediss-sentinel");
    }

    @Override
    public Set<String> options() {
        return RedisSettings.OPTIONS;
    }

    @Override
    public Broker create(BrokerConfig config) {
        return RedisBroker.connect(config);
    }
}

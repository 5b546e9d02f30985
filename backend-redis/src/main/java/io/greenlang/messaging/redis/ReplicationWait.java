package io.greenlang.messaging.redis;

import io.greenlang.messaging.ConnectionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Option {@code replica-acks}: a {@code WAIT count timeout} right behind a pipeline of appends, on each
 * connection that carried them, so that a publish is confirmed only once that many replicas have it. Redis
 * replies to {@code WAIT} with the number of replicas that acknowledged every write of the connection so far;
 * fewer than asked means the appends are on the master only, and a failover could lose them.
 *
 * <p>On Redis Cluster a pipeline's appends go to the masters of their slots, each over its own connection (see
 * {@link #writerFor}), so each of those connections gets its own {@code WAIT}.
 */
final class ReplicationWait {
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisSettings.ReplicaAcks acks;
    private final Runnable topologyRefresh;

    ReplicationWait(StatefulConnection<byte[], byte[]> connection, RedisSettings.ReplicaAcks acks,
            Runnable topologyRefresh) {
        this.connection = connection;
        this.acks = acks;
        this.topologyRefresh = topologyRefresh;
    }

    boolean enabled() {
        return acks.enabled();
    }

    /**
     * Fails unless every master has at least as many connected replicas as {@code replica-acks} asks for: else
     * every publish would fail, and the reason is better said once, at connect.
     *
     * @throws ConnectionException naming the master, its replicas and the option
     */
    void requireReplicas(RedisCalls calls, String master) {
        if (!acks.enabled()) {
            return;
        }
        if (connection instanceof StatefulRedisClusterConnection) {
            StatefulRedisClusterConnection<byte[], byte[]> cluster =
                    (StatefulRedisClusterConnection<byte[], byte[]>) connection;
            for (RedisClusterNode node : cluster.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    long replicas = cluster.getPartitions().stream()
                            .filter(n -> node.getNodeId().equals(n.getSlaveOf()) && n.isConnected()).count();
                    check(replicas, "cluster master " + node.getUri().getHost() + ":" + node.getUri().getPort());
                }
            }
            return;
        }
        List<Object> role = calls.await(RedisClients.async(connection).role().toCompletableFuture(),
                "count the master's replicas (ROLE)");
        long replicas = role.size() > 2 && role.get(2) instanceof List ? ((List<?>) role.get(2)).size() : 0;
        check(replicas, master);
    }

    private void check(long replicas, String master) {
        if (replicas < acks.count()) {
            throw new ConnectionException("Redis " + master + " has " + replicas + " connected replica"
                    + (replicas == 1 ? "" : "s") + ", but option " + RedisSettings.REPLICA_ACKS + "=" + acks.count()
                    + " asks every publish to wait for " + acks.count() + ": every publish would fail. Start "
                    + "replicas (replicaof), or lower " + RedisSettings.REPLICA_ACKS + ".");
        }
    }

    /**
     * The connection to send appends to {@code stream} on, so that a {@code WAIT} on it counts them. Without
     * replica acknowledgements, or off Redis Cluster, the broker's connection. On Redis Cluster with them, the
     * connection to the master of the stream's slot, not the routing connection: routing follows a {@code MOVED}
     * or {@code ASK} by itself, and a {@code WAIT} sent to the slot's former master would then count replicas of
     * a node that no longer holds the append. On a node connection a redirect comes back as an error instead, and
     * the append is sent again after a topology refresh (see {@link RedisErrors#isRedirect}).
     */
    StatefulConnection<byte[], byte[]> writerFor(byte[] stream) {
        if (!acks.enabled() || !(connection instanceof StatefulRedisClusterConnection)) {
            return connection;
        }
        StatefulRedisClusterConnection<byte[], byte[]> cluster =
                (StatefulRedisClusterConnection<byte[], byte[]>) connection;
        RedisClusterNode master = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(stream));
        if (master == null) {
            return connection; // no master known for the slot: routing fails the command with the reason
        }
        return cluster.getConnection(master.getUri().getHost(), master.getUri().getPort());
    }

    /**
     * Dispatches a {@code WAIT} on each connection that just carried appends ({@link #writerFor}); each completes
     * with the number of replicas that acknowledged every write of its connection so far.
     */
    List<AsyncCommand<byte[], byte[], Long>> dispatchAfter(Collection<StatefulConnection<byte[], byte[]>> writers) {
        List<AsyncCommand<byte[], byte[], Long>> waits = new ArrayList<>(writers.size());
        for (StatefulConnection<byte[], byte[]> writer : writers) {
            waits.add(dispatch(writer));
        }
        return waits;
    }

    /** After a redirect: the cluster's slots moved, so read them again before the append is sent again. */
    void refreshTopology() {
        topologyRefresh.run();
    }

    /**
     * What fell short: {@code null} if every {@code WAIT} counted enough replicas, else a sentence for the
     * publish's error. Only for {@code WAIT}s that completed without failure.
     */
    String shortfall(List<AsyncCommand<byte[], byte[], Long>> waits) {
        long fewest = Long.MAX_VALUE;
        for (AsyncCommand<byte[], byte[], Long> wait : waits) {
            fewest = Math.min(fewest, wait.join());
        }
        if (fewest >= acks.count()) {
            return null;
        }
        return "The master stored it, but " + (fewest == 0 ? "no replica" : "only " + fewest + " of "
                + acks.count() + " replicas") + " confirmed it (WAIT waits up to " + io.greenlang.messaging.Durations
                        .format(acks.timeout()) + ", option " + RedisSettings.REPLICA_ACK_TIMEOUT + "), so a failover "
                + "could lose it; it was not sent again. Check that " + acks.count() + " replica(s) are connected and "
                + "keeping up (INFO replication), or lower option " + RedisSettings.REPLICA_ACKS + ".";
    }

    private AsyncCommand<byte[], byte[], Long> dispatch(StatefulConnection<byte[], byte[]> target) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).add(acks.count())
                .add(acks.timeout().toMillis());
        AsyncCommand<byte[], byte[], Long> wait = new RedisClients.SelfTimedCommand<>(new Command<>(CommandType.WAIT,
                new IntegerOutput<>(ByteArrayCodec.INSTANCE), args));
        try {
            target.dispatch(wait);
        } catch (RuntimeException e) {
            wait.completeExceptionally(e);
        }
        return wait;
    }
}

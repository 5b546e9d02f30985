package io.greenlang.messaging.redis;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Option {@code replica-acks}: a {@code WAIT count timeout} right behind a pipeline of appends, on each
 * connection that carried them, so that a publish is confirmed only once that many replicas have it. Redis
 * replies to {@code WAIT} with the number of replicas that acknowledged every write of the connection so far;
 * fewer than asked means the appends are on the master only, and a failover could lose them.
 *
 * <p>On Redis Cluster a pipeline's appends go to the masters of their slots, each over its own connection, so
 * each of those connections gets its own {@code WAIT}.
 */
final class ReplicationWait {
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisSettings.ReplicaAcks acks;

    ReplicationWait(StatefulConnection<byte[], byte[]> connection, RedisSettings.ReplicaAcks acks) {
        this.connection = connection;
        this.acks = acks;
    }

    boolean enabled() {
        return acks.enabled();
    }

    /**
     * Dispatches the {@code WAIT}s for appends to {@code streams} that were just dispatched on this connection;
     * each completes with the number of replicas that acknowledged.
     */
    List<AsyncCommand<byte[], byte[], Long>> dispatchAfter(List<byte[]> streams) {
        List<AsyncCommand<byte[], byte[], Long>> waits = new ArrayList<>(1);
        if (connection instanceof StatefulRedisClusterConnection) {
            StatefulRedisClusterConnection<byte[], byte[]> cluster =
                    (StatefulRedisClusterConnection<byte[], byte[]>) connection;
            Set<RedisClusterNode> masters = new LinkedHashSet<>();
            for (byte[] stream : streams) {
                masters.add(cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(stream)));
            }
            for (RedisClusterNode master : masters) {
                // the connection that routing uses for this master's slots, so WAIT counts those appends
                StatefulConnection<byte[], byte[]> node = cluster.getConnection(master.getUri().getHost(),
                        master.getUri().getPort());
                waits.add(dispatch(node));
            }
        } else {
            waits.add(dispatch(connection));
        }
        return waits;
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
                + acks.count() + " replicas") + " confirmed it within " + io.greenlang.messaging.Durations.format(
                        acks.timeout()) + " (option " + RedisSettings.REPLICA_ACK_TIMEOUT + "), so a failover could "
                + "lose it; it was not sent again. Check that " + acks.count() + " replica(s) are connected and "
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

package io.greenlang.messaging.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Redis Cluster of three masters, each with one replica: six {@code redis-server} processes on free loopback
 * ports, made with {@code redis-cli --cluster create --cluster-replicas 1}; {@link #addStandbyReplica} adds
 * more. The node timeout is {@value #NODE_TIMEOUT_MILLIS} ms, so a killed master's replica takes over its slots a
 * few seconds later, and its other replicas follow the promoted one.
 */
final class ClusterWithReplicas implements AutoCloseable {
    /** Short for quick failovers, not so short that a node starved of CPU for a moment is failed over. */
    static final long NODE_TIMEOUT_MILLIS = 2000;
    private static final int MASTERS = 3;
    /** Between two polls of the nodes (each poll asks every node for its view). */
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServers.RedisProcess> nodes;

    private ClusterWithReplicas(List<RedisServers.RedisProcess> nodes) {
        this.nodes = new ArrayList<>(nodes);
    }

    /** Starts the six nodes, makes the cluster and waits until it {@linkplain #awaitSettled() settled}. */
    static ClusterWithReplicas start() {
        List<RedisServers.RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < MASTERS * 2; i++) {
                nodes.add(RedisServers.clusterNode("cluster-ha-" + i, Duration.ofMillis(NODE_TIMEOUT_MILLIS)));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            for (RedisServers.RedisProcess n : nodes) {
                create.add("127.0.0.1:" + n.port());
            }
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            RedisServers.cli(create);
            ClusterWithReplicas cluster = new ClusterWithReplicas(nodes);
            cluster.awaitSettled();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServers.RedisProcess::close);
            throw e;
        }
    }

    /**
     * Starts one more node, joins it to the cluster as a replica of {@code master}, and waits until settled. It
     * never takes over itself ({@code cluster-replica-no-failover}): with one candidate per master, a failover
     * takes no extra rounds for votes split between two replicas, which take 2 node timeouts each.
     */
    void addStandbyReplica(RedisServers.RedisProcess master) {
        RedisServers.RedisProcess node = RedisServers.clusterNode("cluster-ha-" + nodes.size(),
                Duration.ofMillis(NODE_TIMEOUT_MILLIS), "--cluster-replica-no-failover", "yes");
        nodes.add(node);
        String masterId = RedisServers.command(master.port(), "CLUSTER MYID").trim();
        RedisServers.cli(List.of("--cluster", "add-node", "127.0.0.1:" + node.port(), "127.0.0.1:" + master.port(),
                "--cluster-slave", "--cluster-master-id", masterId));
        awaitSettled();
    }

    /** {@code redis-cluster://127.0.0.1:p1,...} over all nodes started so far. */
    String url() {
        StringBuilder sb = new StringBuilder("redis-cluster://");
        for (int i = 0; i < nodes.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(nodes.get(i).port());
        }
        return sb.toString();
    }

    /** The node that the live nodes name as master of {@code key}'s slot now. */
    RedisServers.RedisProcess masterOf(String key) {
        int slot = slotOf(key);
        return masterOfSlot(slot).orElseThrow(() -> new IllegalStateException("No live node names a master for slot "
                + slot + ":\n" + nodesView()));
    }

    /** The live nodes that say they are masters. */
    List<RedisServers.RedisProcess> masters() {
        return live().stream().filter(n -> RedisServers.command(n.port(), "INFO replication").contains("role:master"))
                .toList();
    }

    /**
     * Waits until a node other than {@code old} serves {@code key}'s slot as master, every live node says so and
     * {@code cluster_state:ok}; returns that node.
     */
    RedisServers.RedisProcess awaitPromotion(RedisServers.RedisProcess old, String key, Duration timeout) {
        int slot = slotOf(key);
        return awaitShowingNodes("a replica to take over slot " + slot + " from " + old, timeout,
                () -> masterOfSlot(slot), master -> master.isPresent() && master.get() != old
                        && RedisServers.command(master.get().port(), "INFO replication").contains("role:master")
                        && live().stream().allMatch(n -> clusterStateOk(n))).orElseThrow();
    }

    /**
     * Waits until every node is up, says {@code cluster_state:ok}, sees every other node connected and none
     * failing, and every replica's link to its master is up.
     */
    void awaitSettled() {
        awaitShowingNodes("the test cluster to settle", READY_TIMEOUT, this::settled, settled -> settled);
    }

    private boolean settled() {
        for (RedisServers.RedisProcess n : nodes) {
            if (!n.isAlive() || !clusterStateOk(n)) {
                return false;
            }
            List<String> lines = RedisServers.command(n.port(), "CLUSTER NODES").lines().toList();
            long masters = lines.stream().filter(l -> flags(l).contains("master")).count();
            if (lines.size() != nodes.size() || masters != MASTERS
                    || lines.stream().anyMatch(l -> failing(l) || !l.split(" ")[7].equals("connected"))) {
                return false;
            }
            String replication = RedisServers.command(n.port(), "INFO replication");
            if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServers.RedisProcess::close);
    }

    /**
     * Hands the (empty) slot of {@code key} from its master to {@code target}, as a resharding would, and waits
     * until every live node names {@code target} as its master.
     */
    void moveEmptySlot(String key, RedisServers.RedisProcess target, Duration timeout) {
        int slot = slotOf(key);
        RedisServers.RedisProcess source = masterOf(key);
        String targetId = RedisServers.command(target.port(), "CLUSTER MYID").trim();
        String sourceId = RedisServers.command(source.port(), "CLUSTER MYID").trim();
        RedisServers.command(target.port(), "CLUSTER SETSLOT " + slot + " IMPORTING " + sourceId);
        RedisServers.command(source.port(), "CLUSTER SETSLOT " + slot + " MIGRATING " + targetId);
        RedisServers.command(source.port(), "CLUSTER SETSLOT " + slot + " NODE " + targetId);
        RedisServers.command(target.port(), "CLUSTER SETSLOT " + slot + " NODE " + targetId);
        awaitShowingNodes("slot " + slot + " to move to " + target, timeout, () -> masterOfSlot(slot),
                master -> master.map(m -> m == target).orElse(false));
    }

    /** Polls {@code probe} until {@code done}; on timeout, fails with what every node says about the cluster. */
    private <T> T awaitShowingNodes(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        try {
            return TestSupport.await(what, timeout).pollInterval(POLL).until(probe, done);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Waited " + timeout + " for " + what + ":\n" + nodesView(), e);
        }
    }

    private int slotOf(String key) {
        // an integer reply, ":1234"
        String reply = RedisServers.command(live().get(0).port(), "CLUSTER KEYSLOT " + key);
        return Integer.parseInt(reply.substring(1).trim());
    }

    /** The master of {@code slot} that every live node names, if they agree and it is one of the live nodes. */
    private Optional<RedisServers.RedisProcess> masterOfSlot(int slot) {
        Integer agreed = null;
        for (RedisServers.RedisProcess n : live()) {
            Integer port = null;
            for (String line : RedisServers.command(n.port(), "CLUSTER NODES").lines().toList()) {
                if (flags(line).contains("master") && !failing(line) && servesSlot(line, slot)) {
                    port = port(line);
                }
            }
            if (port == null || (agreed != null && !agreed.equals(port))) {
                return Optional.empty();
            }
            agreed = port;
        }
        int port = agreed;
        return live().stream().filter(n -> n.port() == port).findFirst();
    }

    private List<RedisServers.RedisProcess> live() {
        return nodes.stream().filter(RedisServers.RedisProcess::isAlive).toList();
    }

    private static boolean clusterStateOk(RedisServers.RedisProcess n) {
        return RedisServers.command(n.port(), "CLUSTER INFO").contains("cluster_state:ok");
    }

    /** What every live node says about the cluster, for failure messages. */
    private String nodesView() {
        StringBuilder sb = new StringBuilder();
        for (RedisServers.RedisProcess n : live()) {
            sb.append(n).append(":\n").append(RedisServers.command(n.port(), "CLUSTER NODES")).append('\n');
        }
        return sb.toString();
    }

    // a CLUSTER NODES line: id ip:port@bus flags master ping-sent pong-recv config-epoch link-state slot...

    private static List<String> flags(String line) {
        return List.of(line.split(" ")[2].split(","));
    }

    /** Flagged {@code fail?} (this node suspects it) or {@code fail} (the cluster agrees). */
    private static boolean failing(String line) {
        return flags(line).contains("fail?") || flags(line).contains("fail");
    }

    private static int port(String line) {
        String address = line.split(" ")[1];
        return Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
    }

    private static boolean servesSlot(String line, int slot) {
        String[] fields = line.split(" ");
        for (int i = 8; i < fields.length; i++) {
            String range = fields[i];
            if (range.startsWith("[")) {
                continue; // a slot being imported or migrated
            }
            int dash = range.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            if (slot >= from && slot <= to) {
                return true;
            }
        }
        return false;
    }
}

package io.greenlang.messaging.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Redis Cluster failover under traffic: three masters with one replica each ({@link ClusterWithReplicas}), one
 * publisher and two members of a group on one topic, and the master serving the topic's slot is killed
 * (SIGKILL). A replica takes the slot over; the broker must follow. With {@code replica-acks=1} no confirmed
 * message is lost; without it the losses are counted and reported. Each run prints its ledger.
 *
 * <p>The topic's master gets a second replica before the kill, one that does not take over itself, so that the
 * promoted master still has a replica (the second one follows it): with a single replica, the promoted master
 * would have none, and with {@code replica-acks=1} every publish to its slots would fail until the killed node
 * came back. Restarting the killed node instead would also do, but the time to the first confirmed publish would
 * then include the restart and a full sync, and the restarted node answers with MOVED, which redirects the
 * broker's commands before its own view of the cluster has caught up: the figures would no longer say how fast
 * the broker follows a promotion by itself.
 */
@DisplayName("Cluster failover under traffic")
class RedisClusterFailoverTest {
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final Duration FOLLOW = Duration.ofSeconds(10);
    @AutoClose
    private final Resources resources = new Resources();

    @ParameterizedTest(name = "replica-acks={0}")
    @ValueSource(ints = {1, 0})
    @DisplayName("the topic's master is killed: the broker follows a replica's promotion, nothing confirmed with "
            + "replica-acks is lost")
    void masterKilled(int replicaAcks) throws Exception {
        ClusterWithReplicas cluster = resources.keep(ClusterWithReplicas.start());
        String topic = "failover-" + System.nanoTime();
        String key = Keys.string(new Keys("glm").band(topic, 0));
        cluster.addStandbyReplica(cluster.masterOf(key));
        Map<String, String> options = Map.of(RedisSettings.REPLICA_ACKS, Integer.toString(replicaAcks),
                RedisSettings.COMMAND_TIMEOUT, "5s");
        Broker publisher = resources.keep(Brokers.connect(cluster.url(), options));
        List<Broker> members = List.of(resources.keep(Brokers.connect(cluster.url(), options)),
                resources.keep(Brokers.connect(cluster.url(), options)));
        FailoverLedger ledger = resources.keep(new FailoverLedger(topic, publisher, members, Duration.ofSeconds(2)));
        TestSupport.await("traffic before the fault").until(() -> ledger.confirmed() >= 500);

        RedisServers.RedisProcess old = cluster.masterOf(key);
        long killed = System.nanoTime();
        old.kill(); // returns once the process is gone: a publish begun after it cannot reach the old master
        ledger.markFault();
        RedisServers.RedisProcess promoted = cluster.awaitPromotion(old, key, RECOVERY);
        Duration promotion = Duration.ofNanos(System.nanoTime() - killed);

        ledger.awaitRecoveryAndStop(replicaAcks == 0, RECOVERY);
        String scenario = "cluster, SIGKILL of the topic's master, replica-acks=" + replicaAcks;
        Duration followed = ledger.faultToFirstPublish() == null ? null : ledger.faultToFirstPublish().minus(promotion);
        System.out.println("failover ledger: " + ledger.summary(scenario) + "; replica promoted after "
                + promotion.toMillis() + " ms (as the nodes said, polled every 50 ms), first confirmed publish "
                + (followed == null ? "never" : followed.toMillis() + " ms") + " after that");
        if (replicaAcks > 0) {
            assertThat(ledger.lost()).as(ledger.summary(scenario)).isZero();
            // each publish's WAIT went to the master of the topic's slot, the one that took its XADD: one at least
            // per confirmed publish on the promoted master, none on the masters of other slots
            assertThat(calls(promoted, "wait")).as("WAITs on the promoted master")
                    .isGreaterThanOrEqualTo(ledger.confirmedAfterFault());
            for (RedisServers.RedisProcess other : cluster.masters()) {
                if (other != promoted) {
                    assertThat(calls(other, "wait")).as("WAITs on %s, which serves other slots", other).isZero();
                }
            }
        }
        // about a second is usual: adaptive topology refresh; without it, the periodic refresh would take up to 30 s
        assertThat(followed).as("time from the promotion to the first confirmed publish").isNotNull()
                .isLessThan(FOLLOW);
    }

    /**
     * A slot moves to another master while the broker's view of the cluster is old: its append goes to the former
     * master and comes back {@code MOVED}; with {@code replica-acks} the broker reads the slots again and appends
     * on the new master, and the {@code WAIT} goes there too, not to the former master, whose replicas never had
     * the message.
     */
    @org.junit.jupiter.api.Test
    @DisplayName("a slot moved under the publisher: with replica-acks the append and its WAIT go to the new master")
    void slotMovedUnderThePublisher() {
        ClusterWithReplicas cluster = resources.keep(ClusterWithReplicas.start());
        String topic = "moved-" + System.nanoTime();
        String key = Keys.string(new Keys("glm").band(topic, 1));
        Broker publisher = resources.keep(Brokers.connect(cluster.url(), Map.of(RedisSettings.REPLICA_ACKS, "1")));
        publisher.publish(io.greenlang.messaging.Message.builder("warm-up").text("reads the slots").build());
        RedisServers.RedisProcess former = cluster.masterOf(key);
        RedisServers.RedisProcess target = cluster.masters().stream().filter(m -> m != former).findFirst()
                .orElseThrow();
        cluster.moveEmptySlot(key, target, FOLLOW);
        long waitsBefore = calls(target, "wait");

        io.greenlang.messaging.Message m = io.greenlang.messaging.Message.builder(topic).text("after the move").build();
        publisher.publish(m);

        assertThat(errors(former, "MOVED")).as("MOVED answers from the former master").isPositive();
        assertThat(calls(target, "xadd")).as("appends on the new master").isPositive();
        assertThat(calls(target, "wait")).as("WAITs on the new master").isGreaterThan(waitsBefore);
        assertThat(publisher.read(topic, io.greenlang.messaging.Position.beginning(), 10))
                .extracting(r -> r.message().id()).containsExactly(m.id());
    }

    /** How often the node answered with error {@code code} since it started ({@code INFO errorstats}). */
    private static long errors(RedisServers.RedisProcess node, String code) {
        String stats = RedisServers.command(node.port(), "INFO errorstats");
        String prefix = "errorstat_" + code + ":count=";
        return stats.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Long.parseLong(l.substring(prefix.length()).trim())).orElse(0L);
    }

    /** How often the node ran {@code command} since it started ({@code INFO commandstats}). */
    private static long calls(RedisServers.RedisProcess node, String command) {
        String stats = RedisServers.command(node.port(), "INFO commandstats");
        String prefix = "cmdstat_" + command + ":calls=";
        return stats.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Long.parseLong(l.substring(prefix.length(), l.indexOf(',')))).orElse(0L);
    }
}

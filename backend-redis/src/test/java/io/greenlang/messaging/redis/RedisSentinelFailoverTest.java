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
 * Failovers under traffic on a master, two replicas and three sentinels (two, so that the promoted master
 * still has a replica to confirm publishes with {@code replica-acks=1}): one publisher and two members of a group
 * run while the master is killed (SIGKILL) or switched over ({@code SENTINEL FAILOVER}). With
 * {@code replica-acks=1} no confirmed message is lost; without it the losses are counted and reported. Each
 * run prints its ledger: confirmed, failed, lost, duplicates, and the time from the fault to the first
 * confirmed publish and the first delivery on the new master.
 */
@DisplayName("Sentinel failover under traffic")
class RedisSentinelFailoverTest {
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    @AutoClose
    private final Resources resources = new Resources();

    @ParameterizedTest(name = "replica-acks={0}")
    @ValueSource(ints = {1, 0})
    @DisplayName("the master is killed: the broker follows the promotion, nothing confirmed with replica-acks is lost")
    void masterKilled(int replicaAcks) throws Exception {
        SentinelSet set = resources.keep(SentinelSet.start(2));
        FailoverLedger ledger = run(set, replicaAcks);
        RedisServers.RedisProcess old = set.master();
        old.kill(); // returns once the process is gone: a publish begun after it cannot reach the old master
        ledger.markFault();
        set.awaitMasterOtherThan(old.port(), RECOVERY);
        finish(ledger, replicaAcks, "SIGKILL of the master");
    }

    @ParameterizedTest(name = "replica-acks={0}")
    @ValueSource(ints = {1, 0})
    @DisplayName("a planned switch (SENTINEL FAILOVER): the broker follows, nothing confirmed with replica-acks is lost")
    void plannedSwitch(int replicaAcks) throws Exception {
        SentinelSet set = resources.keep(SentinelSet.start(2));
        FailoverLedger ledger = run(set, replicaAcks);
        int old = set.masterPort();
        ledger.markFault();
        RedisServers.cli(List.of("-p", Integer.toString(set.sentinels().get(0).port()), "SENTINEL", "FAILOVER",
                SentinelSet.MASTER_NAME));
        set.awaitMasterOtherThan(old, RECOVERY);
        finish(ledger, replicaAcks, "SENTINEL FAILOVER");
    }

    private FailoverLedger run(SentinelSet set, int replicaAcks) {
        Map<String, String> options = Map.of(RedisSettings.REPLICA_ACKS, Integer.toString(replicaAcks),
                RedisSettings.COMMAND_TIMEOUT, "5s");
        Broker publisher = resources.keep(Brokers.connect(set.url(), options));
        List<Broker> members = List.of(resources.keep(Brokers.connect(set.url(), options)),
                resources.keep(Brokers.connect(set.url(), options)));
        FailoverLedger ledger = resources.keep(new FailoverLedger("failover-" + System.nanoTime(), publisher, members,
                Duration.ofSeconds(2)));
        TestSupport.await("traffic before the fault").until(() -> ledger.confirmed() >= 500);
        return ledger;
    }

    private static void finish(FailoverLedger ledger, int replicaAcks, String fault) throws Exception {
        ledger.awaitRecoveryAndStop(replicaAcks == 0, RECOVERY);
        System.out.println("failover ledger: " + ledger.summary(fault + ", replica-acks=" + replicaAcks));
        if (replicaAcks > 0) {
            assertThat(ledger.lost()).as(ledger.summary(fault)).isZero();
        }
        assertThat(ledger.faultToFirstPublish()).as("time to the first confirmed publish after the fault")
                .isLessThan(RECOVERY);
    }
}

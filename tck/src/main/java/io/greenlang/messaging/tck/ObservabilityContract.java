package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.LatencySummary;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MetricsSnapshot;
import io.greenlang.messaging.NonRetryableException;

/**
 * The kit's {@code observability} group: health, metrics and lag tell the truth.
 * {@link BrokerContractTest} runs it as its nested class {@code Observability}, so a failure reads
 * {@code Observability.required_...}; run this group alone with {@code -Dgroups=observability}.
 */
public abstract class ObservabilityContract extends BrokerFeature {
    ObservabilityContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * {@code health()} of a running broker is UP with a non-negative latency. If it fails, check the round
     * trip the health check makes.
     */
    @Test
    void required_healthIsUpWithLatency() {
        assumeCapability(Capability.HEALTH);
        Health health = broker().health();
        assertThat(health.status()).isEqualTo(Health.Status.UP);
        assertThat(health.isUp()).isTrue();
        assertThat(health.latency()).as("latency").isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(health.details()).isNotNull();
    }

    /**
     * On a fresh broker: 10 messages published, 2 of them fail once then succeed, 1 fails non-retryably.
     * The snapshot then reads exactly published 10, delivered 12, acked 9, retried 2, failed 3,
     * dead-lettered 1, expired 0. If it fails, check where each counter is incremented (once per
     * handler invocation, per retry scheduled, per settlement).
     */
    @Test
    void required_metricsCountExactlyWhatHappened() {
        assumeCapability(Capability.RETRY_WITH_BACKOFF);
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("metrics");
        List<Message> published = texts(topic, "metrics", 10);
        Set<String> failOnce = ConcurrentHashMap.newKeySet();
        failOnce.add(published.get(2).id());
        failOnce.add(published.get(5).id());
        String poison = published.get(7).id();
        Recorder rec = new Recorder(d -> {
            String id = d.message().id();
            if (id.equals(poison)) {
                throw new NonRetryableException("poison");
            }
            if (failOnce.remove(id)) {
                throw new IllegalStateException("transient");
            }
        });
        subscribe(options(topic, group("metrics")).build(), rec);
        publishEach(broker(), published);
        timeouts().await("the expected counters").untilAsserted(() -> {
            MetricsSnapshot s = broker().metrics();
            assertThat(new long[] {s.published(), s.delivered(), s.acked(), s.retried(), s.failed(),
                    s.deadLettered(), s.expired()})
                    .as("published, delivered, acked, retried, failed, deadLettered, expired")
                    .containsExactly(10, 12, 9, 2, 3, 1, 0);
        });
        assertThat(rec.size()).as("handler invocations").isEqualTo(12);
    }

    /**
     * {@code lag} of a group without live members shows the messages published meanwhile (backlog plus
     * pending is 10), and returns to 0 backlog and 0 pending once a member has handled them. If it fails,
     * check how the backend computes the group's distance from the end of the log and its pending list.
     */
    @Test
    void required_lagShowsTheBacklogAndDrainsToZero() {
        assumeCapability(Capability.LAG);
        String topic = topic("lag");
        String group = group("lag");
        createGroupWithoutMembers(topic, group);
        List<Message> published = texts(topic, "lag", 10);
        publishEach(broker(), published);
        timeouts().await("lag to show 10 messages").untilAsserted(() -> {
            ConsumerLag lag = broker().lag(topic, group);
            assertThat(lag.topic()).isEqualTo(topic);
            assertThat(lag.group()).isEqualTo(group);
            assertThat(lag.backlog()).as("backlog").isNotNegative();
            assertThat(lag.pending()).as("pending").isNotNegative();
            assertThat(lag.total()).as("backlog + pending").isEqualTo(10);
            assertThat(lag.groupExists()).as("groupExists of a group a member has joined").isTrue();
        });
        Recorder rec = new Recorder();
        subscribe(options(topic, group).build(), rec);
        timeouts().await("ten messages").until(() -> rec.hasAll(ids(published)));
        timeouts().await("lag to drain to zero").untilAsserted(() -> {
            ConsumerLag lag = broker().lag(topic, group);
            assertThat(lag.backlog()).as("backlog").isZero();
            assertThat(lag.pending()).as("pending").isZero();
        });
    }

    /**
     * {@code lag} of a group no member ever joined says so ({@code groupExists()} false, nothing to do), on a topic
     * with messages and on one that never had any, so that a misspelt group does not look healthy. If it fails,
     * check that the backend tells a missing group from an idle one.
     */
    @Test
    void required_lagOfAGroupThatDoesNotExistSaysSo() {
        assumeCapability(Capability.LAG);
        String topic = topic("lag-missing");
        createGroupWithoutMembers(topic, group("lag-present"));
        publishEach(broker(), texts(topic, "lag-missing", 3));
        for (String t : List.of(topic, topic("lag-never-used"))) {
            ConsumerLag lag = broker().lag(t, group("lag-absent"));
            assertThat(lag.groupExists()).as("groupExists of a group no member joined, on %s", t).isFalse();
            assertThat(lag.total()).as("backlog + pending of a group that does not exist").isZero();
        }
    }

    /**
     * After traffic, the publish and end-to-end latency summaries have samples, and their percentiles are
     * ordered and non-negative. If it fails, check that latencies are recorded on publish confirmation and
     * at the start of each handling.
     */
    @Test
    void required_latencySummariesHaveSamplesAfterTraffic() {
        String topic = topic("latency");
        Recorder rec = new Recorder();
        subscribe(options(topic, group("latency")).build(), rec);
        List<Message> published = texts(topic, "latency", 5);
        publishEach(broker(), published);
        timeouts().await("five messages").until(() -> rec.hasAll(ids(published)));
        timeouts().await("latency samples").untilAsserted(() -> {
            MetricsSnapshot s = broker().metrics();
            assertLatency(s.publishLatency(), "publish latency");
            assertLatency(s.endToEndLatency(), "end-to-end latency");
        });
    }

    private void assertLatency(LatencySummary l, String what) {
        assertThat(l).as(what).isNotNull();
        assertThat(l.count()).as(what + " count").isPositive();
        assertThat(l.p50()).as(what + " p50").isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(l.p95()).as(what + " p95 >= p50").isGreaterThanOrEqualTo(l.p50());
        assertThat(l.p99()).as(what + " p99 >= p95").isGreaterThanOrEqualTo(l.p95());
        assertThat(l.max()).as(what + " max >= p99").isGreaterThanOrEqualTo(l.p99());
    }
}

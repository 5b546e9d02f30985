package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three brokers, replication 3, {@code min.insync.replicas=2}, {@code acks=all}: one broker is killed (SIGKILL)
 * while messages are published and consumed, and every message whose publish was acknowledged is delivered.
 * Tagged {@code failover}: {@code mvn verify} runs it in its own surefire execution after the other tests.
 */
@Tag("failover")
class FailoverTest {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverTest.class);
    private static final int MESSAGES = 3000;

    private KafkaTestCluster cluster;

    @BeforeEach
    void startThreeBrokers() {
        cluster = KafkaTestCluster.start(KafkaTestCluster.Options.three());
    }

    @AfterEach
    void stopBrokers() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private int leaderOfPartitionZero(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return d.partitions().get(0).leader().id();
        }
    }

    @Test
    void nothingAcknowledgedIsLostWhenABrokerDies() throws Exception {
        Map<String, String> options = Map.of("replication-factor", "3", "min-insync-replicas", "2", "acks", "all",
                "partitions", "3", "request-timeout", "15s", "delivery-timeout", "60s");
        String topic = "failover-" + System.nanoTime();
        try (Broker publisher = Brokers.connect("kafka://" + cluster.bootstrap(), options);
                Broker consumer = Brokers.connect("kafka://" + cluster.bootstrap(), options)) {
            Set<String> handled = ConcurrentHashMap.newKeySet();
            AtomicInteger handOvers = new AtomicInteger();
            Subscription sub = consumer.subscribe(SubscriptionOptions.builder(topic, "failover-group").concurrency(4)
                    .build(), d -> {
                        handOvers.incrementAndGet();
                        handled.add(d.message().id());
                    });

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            List<CompletableFuture<PublishResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                if (i == MESSAGES / 3) {
                    int leader = leaderOfPartitionZero(topic);
                    LOG.info("Killing broker {} of 3, the leader of {}-0, after {} publishes", leader, topic, i);
                    cluster.kill(leader - 1);
                }
                Message m = Message.builder(topic).text("failover-" + i).build();
                CompletableFuture<PublishResult> f = publisher.publishAsync(m).toCompletableFuture();
                f.whenComplete((r, e) -> {
                    if (e == null) {
                        acknowledged.add(m.id());
                    } else {
                        failed.incrementAndGet();
                    }
                });
                inFlight.add(f);
                if (inFlight.size() >= 50) {
                    CompletableFuture.allOf(inFlight.toArray(new CompletableFuture<?>[0])).handle((r, e) -> null).join();
                    inFlight.clear();
                }
            }
            CompletableFuture.allOf(inFlight.toArray(new CompletableFuture<?>[0])).handle((r, e) -> null).join();
            LOG.info("{} publishes acknowledged, {} failed", acknowledged.size(), failed.get());
            assertThat(acknowledged.size()).as("publishes acknowledged with one broker down").isGreaterThan(MESSAGES / 2);

            Awaitility.await("every acknowledged message to be delivered").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(handled).containsAll(acknowledged));
            LOG.info("{} messages handled in {} hand-overs", handled.size(), handOvers.get());
            sub.close();
            assertThat(consumer.deadLetters(topic, "failover-group").count()).isZero();
        }
    }
}

package io.greenlang.messaging.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.kafka.SharedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("the Spring Kafka peer")
@ExtendWith(SharedKafka.class)
class SpringKafkaPeerTest {
    @Test
    @DisplayName("is the peer for kafka://, beside the raw kafka-clients baseline")
    void found() {
        assertThat(Baselines.forScheme("kafka", "peer")).get().isInstanceOf(SpringKafkaPeerProvider.class);
        assertThat(Baselines.forScheme("kafka")).get().isInstanceOf(KafkaClientsBaselineProvider.class);
        assertThat(new SpringKafkaPeerProvider().description()).startsWith("Spring Kafka");
    }

    @Test
    @DisplayName("hands every payload to one of two consumers, commits each acknowledgement, and deletes its topic")
    void roundTrip() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        try (Admin admin = Admin.create(Map.<String, Object>of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                BenchTarget target = new SpringKafkaPeerProvider().create(BrokerConfig.parse("kafka://" + bootstrap))) {
            assertThat(target.label()).isEqualTo("peer");

            PeerRoundTrip.run(target, "round-trip", 2, () -> committed(admin) == PeerRoundTrip.TOTAL);

            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("peer topic deleted").noneMatch(t -> t.startsWith("glm-bench-peer.") && t.endsWith(".round-trip"));
        }
    }

    /** The sum of the offsets committed by the peer's group for this run's topic. */
    private static long committed(Admin admin) {
        try {
            List<String> groups = admin.listGroups().all().get(10, TimeUnit.SECONDS).stream()
                    .map(GroupListing::groupId)
                    .filter(g -> g.startsWith("bench-glm-bench-peer.") && g.endsWith(".round-trip"))
                    .toList();
            if (groups.size() != 1) {
                return -1;
            }
            Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groups.get(0))
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        } catch (Exception e) {
            throw new IllegalStateException("Reading the peer group's offsets failed: " + e.getMessage(), e);
        }
    }
}

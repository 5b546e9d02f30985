package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.BrokerConfig;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class KafkaTopicsTest {
    @Test
    void aBandTopicHasTheConfiguredRetentionSizeLimitAndAppendTime() {
        KafkaSettings settings = new KafkaSettings(BrokerConfig.parse(
                "kafka://h?retention=1d&max-message-size=1000&replication-factor=3&min-insync-replicas=2"));
        NewTopic topic = new KafkaTopics(null, settings).newTopic("orders", 6, true);
        assertThat(topic.name()).isEqualTo("orders");
        assertThat(topic.numPartitions()).isEqualTo(6);
        assertThat(topic.replicationFactor()).isEqualTo((short) 3);
        assertThat(topic.configs())
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, "86400000")
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(2000 + 64 * 1024))
                .containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
    }

    @Test
    void retryAndDeadLetterTopicsKeepTheBrokersTimestampTypeAndReplication() {
        KafkaSettings settings = new KafkaSettings(BrokerConfig.parse("kafka://h"));
        NewTopic topic = new KafkaTopics(null, settings).newTopic("__gl.dlq.6.orders.g", 1, false);
        assertThat(topic.numPartitions()).isEqualTo(1);
        assertThat(topic.replicationFactor()).isEqualTo((short) -1);
        assertThat(topic.configs()).doesNotContainKeys(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        assertThat(Optional.ofNullable(topic.configs().get(TopicConfig.RETENTION_MS_CONFIG)))
                .contains(Long.toString(java.time.Duration.ofDays(7).toMillis()));
    }
}

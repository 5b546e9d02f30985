package io.greenlang.messaging.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenlang.messaging.BrokerConfig;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    private static KafkaSettings settings(String url) {
        return new KafkaSettings(BrokerConfig.parse(url));
    }

    @Test
    void theLargestRecordLeavesRoomForTheKeyAndTheHeaders() {
        assertThat(KafkaClients.maxRecordBytes(settings("kafka://h"))).isEqualTo(2 * 1024 * 1024 + 64 * 1024);
        assertThat(KafkaClients.maxRecordBytes(settings("kafka://h?max-message-size=1000")))
                .isEqualTo(2000 + 64 * 1024);
    }

    @Test
    void theProducerIsIdempotentWithAcksAllAndSizedForTheLargestRecord() {
        Map<String, Object> p = KafkaClients.producerProperties(settings("kafka://h?max-message-size=20MiB"));
        assertThat(p).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "greenlang-producer")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 40 * 1024 * 1024 + 64 * 1024)
                .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * (40 * 1024 * 1024 + 64 * 1024));
        assertThat(KafkaClients.producerProperties(settings("kafka://h?acks=1")))
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    }

    @Test
    void theDeliveryTimeoutCoversARequestAndTheLinger() {
        Map<String, Object> p = KafkaClients.producerProperties(settings(
                "kafka://h?delivery-timeout=1s&request-timeout=3s&linger=500ms"));
        assertThat(p).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3500)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000);
    }

    @Test
    void passThroughPropertiesWin() {
        Map<String, Object> p = KafkaClients.producerProperties(settings("kafka://h?kafka.linger.ms=77"));
        assertThat(p.get(ProducerConfig.LINGER_MS_CONFIG)).hasToString("77");
    }

    @Test
    void theAdminClientTimesOutAtTheRequestTimeout() {
        Map<String, Object> a = KafkaClients.adminProperties(settings("kafka://h?request-timeout=7s&client-id=app"));
        assertThat(a).containsEntry(AdminClientConfig.CLIENT_ID_CONFIG, "app-admin")
                .containsEntry(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 7000);
    }
}

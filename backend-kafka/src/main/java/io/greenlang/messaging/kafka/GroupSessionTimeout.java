package io.greenlang.messaging.kafka;

import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessagingException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the {@code session-timeout} option on each consumer group this broker subscribes to: with the KIP-848
 * {@code consumer} group protocol the session timeout (how long the coordinator waits for a silent member before
 * giving its partitions to the others) is a group config, {@code consumer.session.timeout.ms}, set through the
 * Admin client. The broker bounds it by {@code group.consumer.min.session.timeout.ms} and
 * {@code group.consumer.max.session.timeout.ms}. Thread-safe; each group is configured once per broker.
 */
final class GroupSessionTimeout {
    static final String GROUP_CONFIG = "consumer.session.timeout.ms";
    private static final Logger LOG = LoggerFactory.getLogger(GroupSessionTimeout.class);

    private final KafkaBroker broker;
    private final Set<String> configured = ConcurrentHashMap.newKeySet();

    GroupSessionTimeout(KafkaBroker broker) {
        this.broker = broker;
    }

    /**
     * Sets the group's session timeout before its member joins. A value the broker refuses is a
     * {@link ConfigurationException} if the option was given, and a warning (the broker's own timeout applies) if
     * it is the default, so that a broker with default settings still works.
     */
    void apply(String groupId) {
        if (!configured.add(groupId)) {
            return;
        }
        KafkaSettings settings = broker.settings();
        long millis = settings.sessionTimeout().toMillis();
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        AlterConfigOp set = new AlterConfigOp(new ConfigEntry(GROUP_CONFIG, Long.toString(millis)),
                AlterConfigOp.OpType.SET);
        try {
            broker.retrying("Setting the session timeout of consumer group " + groupId, () -> broker.await(
                    broker.admin().incrementalAlterConfigs(Map.of(group, List.of(set))).all().toCompletionStage(),
                    "Setting the session timeout of consumer group " + groupId));
        } catch (MessagingException e) {
            Throwable cause = KafkaErrors.unwrap(e.getCause() != null ? e.getCause() : e);
            boolean refused = cause instanceof InvalidConfigurationException || cause instanceof InvalidRequestException
                    || cause instanceof AuthorizationException || cause instanceof UnsupportedVersionException;
            if (!refused) {
                configured.remove(groupId);
                throw e;
            }
            String text = "The Kafka broker refused session-timeout " + Durations.format(settings.sessionTimeout())
                    + " (group config "
                    + GROUP_CONFIG + "=" + millis + ") for consumer group " + groupId + ": " + cause.getMessage()
                    + ". Lower the broker's group.consumer.min.session.timeout.ms (default 45s) to allow it, grant "
                    + "ALTER_CONFIGS on the group, or choose a session-timeout the broker allows.";
            if (settings.sessionTimeoutGiven()) {
                configured.remove(groupId);
                throw new ConfigurationException(text, cause);
            }
            LOG.warn("{} The broker's own session timeout applies: a crashed member's partitions go to another "
                    + "member only after it.", text);
        }
    }
}

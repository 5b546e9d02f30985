package io.greenlang.messaging.memory.broken;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageTooLargeException;
import io.greenlang.messaging.PublishResult;

/**
 * Checks the size limit the way the library did before issue 14: on {@link Message#approximateSize()}, which
 * counts characters, not the UTF-8 bytes stored. The working broker gets a limit eight times larger, so this
 * decorator's check is the only one that matters.
 */
public class CountsCharactersVariant extends BrokenVariant {
    private volatile long limit;

    @Override
    protected Map<String, String> workingOptions(Map<String, String> asked) {
        limit = BrokerConfig.builder("memory://").options(asked).build().maxMessageSize();
        Map<String, String> loose = new HashMap<>(asked);
        loose.put("max-message-size", Long.toString(limit * 8));
        return loose;
    }

    @Override
    protected Broker decorate(Broker working) {
        long max = limit;
        return new ForwardingBroker(working) {
            private void check(Message m) {
                if (m != null && m.approximateSize() > max) {
                    throw new MessageTooLargeException(m.topic(), m.approximateSize(), max);
                }
            }

            @Override
            public CompletionStage<PublishResult> publishAsync(Message message) {
                check(message);
                return super.publishAsync(message);
            }

            @Override
            public CompletionStage<List<PublishResult>> publishAllAsync(List<Message> messages) {
                if (messages != null) {
                    messages.forEach(this::check);
                }
                return super.publishAllAsync(messages);
            }

            @Override
            public CompletionStage<PublishResult> publishIfVersionAsync(Message message, long expectedVersion) {
                check(message);
                return super.publishIfVersionAsync(message, expectedVersion);
            }
        };
    }
}

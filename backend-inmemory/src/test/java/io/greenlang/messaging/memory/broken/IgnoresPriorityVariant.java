package io.greenlang.messaging.memory.broken;

import java.util.HashMap;
import java.util.Map;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;

/**
 * Ignores priority: every message is stored at the default priority, so the backlog is served in log
 * order. The original priority travels in a header and is restored on the way out, so that messages still
 * look intact (and their provenance hashes, computed over what was stored, still verify).
 */
public class IgnoresPriorityVariant extends BrokenVariant {
    static final String HEADER = "x-broken-original-priority";

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            protected Message outbound(Message m) {
                if (m.priority() == Message.DEFAULT_PRIORITY) {
                    return m;
                }
                Map<String, String> headers = new HashMap<>(m.headers());
                headers.put(HEADER, Integer.toString(m.priority()));
                return Messages.rebuild(m, headers, Message.DEFAULT_PRIORITY, m.expiresAt().orElse(null));
            }

            @Override
            protected Message inbound(Message m) {
                if (m.header(HEADER).isEmpty()) {
                    return m;
                }
                Map<String, String> headers = new HashMap<>(m.headers());
                int priority = Integer.parseInt(headers.remove(HEADER));
                return Messages.rebuild(m, headers, priority, m.expiresAt().orElse(null));
            }
        };
    }
}

package io.greenlang.messaging.memory.broken;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;

/**
 * Delivers expired messages: the expiry is stripped on publish (kept in a header) and restored on the way
 * out, so handlers get messages whose {@code expiresAt} has passed.
 */
public class DeliversExpiredVariant extends BrokenVariant {
    static final String HEADER = "x-broken-original-expiry";

    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            protected Message outbound(Message m) {
                if (m.expiresAt().isEmpty()) {
                    return m;
                }
                Map<String, String> headers = new HashMap<>(m.headers());
                headers.put(HEADER, m.expiresAt().get().toString());
                return Messages.rebuild(m, headers, m.priority(), null);
            }

            @Override
            protected Message inbound(Message m) {
                if (m.header(HEADER).isEmpty()) {
                    return m;
                }
                Map<String, String> headers = new HashMap<>(m.headers());
                Instant expiry = Instant.parse(headers.remove(HEADER));
                return Messages.rebuild(m, headers, m.priority(), expiry);
            }
        };
    }
}

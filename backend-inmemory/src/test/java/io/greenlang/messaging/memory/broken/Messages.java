package io.greenlang.messaging.memory.broken;

import java.time.Instant;
import java.util.Map;

import io.greenlang.messaging.Message;

/** Rebuilds messages field by field, keeping the declared provenance hash (which {@code mutate()} drops). */
final class Messages {
    private Messages() {
    }

    static Message rebuild(Message m, Map<String, String> headers, int priority, Instant expiresAt) {
        Message.Builder b = Message.builder(m.topic())
                .id(m.id())
                .payload(m.payload())
                .contentType(m.contentType())
                .headers(headers)
                .priority(priority)
                .createdAt(m.createdAt());
        if (expiresAt != null) {
            b.expiresAt(expiresAt);
        }
        m.correlationId().ifPresent(b::correlationId);
        m.replyTo().ifPresent(b::replyTo);
        m.key().ifPresent(b::key);
        m.provenanceHash().ifPresent(b::provenanceHash);
        return b.build();
    }
}

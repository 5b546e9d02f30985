package io.greenlang.messaging;

import java.util.Map;

/**
 * {@link Message#approximateSize()}: the payload's bytes plus every string field's characters. A cheap estimate,
 * not the size limit's count, which is in UTF-8 bytes of the stored form (see {@link MessageTooLargeException}).
 */
final class ApproximateSize {
    private ApproximateSize() {
    }

    static long of(Message m) {
        long size = m.payloadSize() + m.id().length() + m.topic().length() + m.contentType().length();
        for (Map.Entry<String, String> e : m.headers().entrySet()) {
            size += e.getKey().length() + e.getValue().length();
        }
        size += m.correlationId().map(String::length).orElse(0);
        size += m.replyTo().map(String::length).orElse(0);
        size += m.key().map(String::length).orElse(0);
        return size;
    }
}

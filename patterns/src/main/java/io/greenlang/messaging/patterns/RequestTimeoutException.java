package io.greenlang.messaging.patterns;

import java.time.Duration;

import io.greenlang.messaging.Durations;
import io.greenlang.messaging.MessagingTimeoutException;

/**
 * No reply to a request arrived within its timeout. The outcome is unknown: the service may still handle the
 * request (unless it expired first) and answer late; the late reply is dropped and counted in
 * {@link RequestClient.Stats#droppedReplies()}.
 */
public class RequestTimeoutException extends MessagingTimeoutException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String correlationId;
    private final Duration timeout;

    public RequestTimeoutException(String topic, String correlationId, Duration timeout) {
        super("No reply to request " + correlationId + " on topic '" + topic + "' within "
                + Durations.format(timeout)
                + ". Check that a service answers on '" + topic + "' and is keeping up (lag), or raise the timeout.");
        this.topic = topic;
        this.correlationId = correlationId;
        this.timeout = timeout;
    }

    /** The topic the request was sent to. */
    public String topic() {
        return topic;
    }

    public String correlationId() {
        return correlationId;
    }

    public Duration timeout() {
        return timeout;
    }
}

package io.greenlang.messaging.patterns;

import io.greenlang.messaging.MessagingException;

/**
 * The service's handler failed on a request, for the last time its retry policy allowed, and sent back an
 * error reply instead of an answer. The request itself went to the service's dead-letter queue.
 */
public class RequestFailedException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String correlationId;
    private final String remoteType;
    private final String remoteMessage;

    public RequestFailedException(String topic, String correlationId, String remoteType, String remoteMessage) {
        super("The service on topic '" + topic + "' failed on request " + correlationId + ": " + remoteType + ": "
                + remoteMessage);
        this.topic = topic;
        this.correlationId = correlationId;
        this.remoteType = remoteType;
        this.remoteMessage = remoteMessage;
    }

    /** The topic the request was sent to. */
    public String topic() {
        return topic;
    }

    public String correlationId() {
        return correlationId;
    }

    /** The class name of the exception the service's handler threw. */
    public String remoteType() {
        return remoteType;
    }

    /** The message of the exception the service's handler threw. */
    public String remoteMessage() {
        return remoteMessage;
    }
}

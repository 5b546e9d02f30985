package io.greenlang.messaging.patterns;

import java.time.Duration;
import java.util.Objects;

import io.greenlang.messaging.Names;

/**
 * How a {@link RequestClient} receives its replies. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: a random client id, reply topic {@code greenlang.replies.<clientId>}, requests that expire at
 * their timeout, a 5 s grace period when closing.
 */
public final class RequestClientOptions {
    private static final String DEFAULT_REPLY_PREFIX = "greenlang.replies.";

    private final String clientId;
    private final String replyTopic;
    private final boolean expireRequests;
    private final Duration closeGracePeriod;

    private RequestClientOptions(Builder b) {
        this.clientId = b.clientId != null ? b.clientId : "client-" + Payloads.randomId();
        this.replyTopic = b.replyTopic != null ? b.replyTopic : Names.requireValidTopic(DEFAULT_REPLY_PREFIX + clientId);
        this.expireRequests = b.expireRequests;
        this.closeGracePeriod = b.closeGracePeriod;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults throughout. */
    public static RequestClientOptions defaults() {
        return builder().build();
    }

    public Builder mutate() {
        Builder b = new Builder();
        b.clientId = clientId;
        b.replyTopic = replyTopic;
        b.expireRequests = expireRequests;
        b.closeGracePeriod = closeGracePeriod;
        return b;
    }

    /** Names the client; also the group of its reply-inbox subscription. */
    public String clientId() {
        return clientId;
    }

    /** The client's reply inbox: one topic for all its requests. */
    public String replyTopic() {
        return replyTopic;
    }

    /**
     * Whether a request without an expiry of its own expires when its timeout does, so that a service never
     * works on a request whose caller has given up.
     */
    public boolean expireRequests() {
        return expireRequests;
    }

    /** How long closing waits for the inbox subscription to stop. */
    public Duration closeGracePeriod() {
        return closeGracePeriod;
    }

    @Override
    public String toString() {
        return "RequestClientOptions{clientId=" + clientId + ", replyTopic=" + replyTopic + ", expireRequests="
                + expireRequests + ", closeGracePeriod=" + closeGracePeriod + "}";
    }

    /** Builds {@link RequestClientOptions}; every setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private String clientId;
        private String replyTopic;
        private boolean expireRequests = true;
        private Duration closeGracePeriod = Duration.ofSeconds(5);

        private Builder() {
        }

        /** A valid group name (see {@link Names}); unique among the clients of one broker. */
        public Builder clientId(String clientId) {
            this.clientId = Names.requireValidGroup(clientId);
            return this;
        }

        /**
         * The reply inbox topic, for example {@code <service>.replies.<clientId>}. It must be used by this client
         * alone: replies for other clients would be counted as dropped.
         */
        public Builder replyTopic(String replyTopic) {
            this.replyTopic = Names.requireValidTopic(replyTopic);
            return this;
        }

        public Builder expireRequests(boolean expireRequests) {
            this.expireRequests = expireRequests;
            return this;
        }

        /** Not negative. */
        public Builder closeGracePeriod(Duration closeGracePeriod) {
            this.closeGracePeriod = Payloads.notNegative(closeGracePeriod, "closeGracePeriod");
            return this;
        }

        /**
         * @throws IllegalArgumentException if the default reply topic made from a long client id is too long
         */
        public RequestClientOptions build() {
            Objects.requireNonNull(closeGracePeriod, "closeGracePeriod");
            return new RequestClientOptions(this);
        }
    }
}

package io.greenlang.messaging.patterns;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Names;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;

/**
 * Publish-subscribe on one topic: every subscriber gets every event, because each subscribes in a group of
 * its own (the subscriber's name). Members sharing a subscriber name compete for events, so a subscriber can
 * scale out.
 * <pre>{@code
 * PubSub alerts = PubSub.on(broker, "esg.alerts");
 * Subscription audit = alerts.subscribe("audit", d -> log(d.body(Alert.class)));
 * Subscription pager = alerts.subscribe("pager", d -> page(d.body(Alert.class)));
 * alerts.publish(new Alert("site-42", "threshold"));   // both get it
 * }</pre>
 *
 * <p>A subscriber gets events published after its group was first created (its first subscription); it
 * keeps its place across restarts. Thread-safe and stateless: the subscriptions it returns are the caller's
 * to close.
 */
public final class PubSub {
    private final Broker broker;
    private final String topic;

    private PubSub(Broker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
    }

    /**
     * Pub-sub on {@code topic}.
     *
     * @throws IllegalArgumentException if the topic name is invalid
     */
    public static PubSub on(Broker broker, String topic) {
        Objects.requireNonNull(broker, "broker");
        return new PubSub(broker, Names.requireValidTopic(topic));
    }

    public String topic() {
        return topic;
    }

    /** Broadcasts {@code event}, encoded with the broker's codec, and waits for the broker's confirmation. */
    public PublishResult publish(Object event) {
        return Broker.await(publishAsync(event));
    }

    /** Broadcasts {@code event}, encoded with the broker's codec (a {@link Message} is copied as it is). */
    public CompletionStage<PublishResult> publishAsync(Object event) {
        Objects.requireNonNull(event, "event");
        return broker.publishAsync(Payloads.withBody(Message.builder(topic), event, broker.codec()).build());
    }

    /**
     * Subscribes as {@code subscriber}, which is also the group name, with default subscription options.
     *
     * @throws IllegalArgumentException if {@code subscriber} is not a valid group name
     */
    public Subscription subscribe(String subscriber, MessageHandler handler) {
        return subscribe(SubscriptionOptions.builder(topic, subscriber).build(), handler);
    }

    /**
     * Subscribes with the given options; their group is the subscriber.
     *
     * @throws IllegalArgumentException if the options are for another topic
     */
    public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        if (!options.topic().equals(topic)) {
            throw new IllegalArgumentException("Subscription options are for topic '" + options.topic()
                    + "', but this PubSub is for '" + topic + "'.");
        }
        return broker.subscribe(options, handler);
    }

    /**
     * Subscribes in a new group of its own, named {@code anonymous-<random>}: the subscriber gets events
     * published from now on and shares them with no one. The API cannot delete groups, so each call leaves
     * one behind on the broker; prefer named subscribers for long-lived consumers.
     */
    public Subscription subscribeAnonymous(MessageHandler handler) {
        return subscribe("anonymous-" + Payloads.randomId(), handler);
    }

    @Override
    public String toString() {
        return "PubSub{" + topic + "}";
    }
}

package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.patterns.PubSub;

/**
 * The patterns kit's {@code pub-sub} group: pub-sub gives every subscriber every event.
 * {@link PatternsContractTest} runs it as its nested class {@code PublishSubscribe}, so a failure reads
 * {@code PublishSubscribe.required_...}; run this group alone with {@code -Dgroups=pub-sub}.
 */
public abstract class PublishSubscribeContract extends PatternFeature {
    PublishSubscribeContract(PatternsContractTest kit) {
        super(kit);
    }

    /**
     * Three subscribers each get each of 20 events exactly once. If it fails, check that each subscriber has
     * a group of its own.
     */
    @Test
    @DisplayName("every subscriber gets every event once")
    void required_everySubscriberGetsEveryEvent() {
        PubSub pubsub = PubSub.on(broker(), topic("pubsub"));
        List<Map<String, Integer>> received = new ArrayList<>();
        for (String name : List.of("audit", "pager", "dashboard")) {
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            received.add(seen);
            track(pubsub.subscribe(options(pubsub.topic(), group(name)).build(),
                    d -> seen.merge(d.message().id(), 1, Integer::sum)));
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(pubsub.publish(new Answer(i, "event")).messageId());
        }
        for (Map<String, Integer> seen : received) {
            awaitCount("every event at every subscriber", seen::size, ids.size());
        }
        for (Map<String, Integer> seen : received) {
            assertThat(seen.keySet()).isEqualTo(ids);
            assertThat(seen.values()).as("times each event was handed over").containsOnly(1);
        }
    }

    /**
     * Two members of one subscriber share its events (each event once between them) while another subscriber
     * gets them all. If it fails, check that members with one subscriber name compete.
     */
    @Test
    @DisplayName("members of one subscriber share its events")
    void required_membersOfOneSubscriberShareItsEvents() {
        PubSub pubsub = PubSub.on(broker(), topic("pubsub-members"));
        String shared = group("shared");
        Map<String, Integer> sharedSeen = new ConcurrentHashMap<>();
        Map<String, Integer> otherSeen = new ConcurrentHashMap<>();
        track(pubsub.subscribe(options(pubsub.topic(), shared).build(), d -> sharedSeen.merge(d.message().id(), 1, Integer::sum)));
        track(pubsub.subscribe(options(pubsub.topic(), shared).build(), d -> sharedSeen.merge(d.message().id(), 1, Integer::sum)));
        track(pubsub.subscribe(options(pubsub.topic(), group("other")).build(), d -> otherSeen.merge(d.message().id(), 1, Integer::sum)));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            ids.add(pubsub.publish("event-" + i).messageId());
        }
        awaitCount("every event at the shared subscriber", sharedSeen::size, ids.size());
        awaitCount("every event at the other subscriber", otherSeen::size, ids.size());
        assertThat(sharedSeen.keySet()).isEqualTo(ids);
        assertThat(sharedSeen.values()).as("times each event went to the shared subscriber").containsOnly(1);
        assertThat(otherSeen.keySet()).isEqualTo(ids);
    }
}

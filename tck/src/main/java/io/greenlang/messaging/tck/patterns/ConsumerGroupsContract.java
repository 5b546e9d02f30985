package io.greenlang.messaging.tck.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.ConsumerLag;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.RetryPolicy;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.patterns.ConsumerGroup;
import io.greenlang.messaging.patterns.ConsumerGroupManager;
import io.greenlang.messaging.patterns.ConsumerStats;
import io.greenlang.messaging.patterns.GroupHealth;
import io.greenlang.messaging.patterns.GroupStats;

/**
 * The patterns kit's {@code consumer-groups} group: a consumer-group manager scales, supervises and drains groups without losing messages.
 * {@link PatternsContractTest} runs it as its nested class {@code ConsumerGroups}, so a failure reads
 * {@code ConsumerGroups.required_...}; run this group alone with {@code -Dgroups=consumer-groups}.
 */
public abstract class ConsumerGroupsContract extends PatternFeature {
    ConsumerGroupsContract(PatternsContractTest kit) {
        super(kit);
    }

    private SubscriptionOptions.Builder template(String topic, String group) {
        return options(topic, group).leaseTimeout(Duration.ofSeconds(5));
    }

    /**
     * Publishes {@code total} messages in batches of 50, keeping at most 200 ahead of the consumers, so that
     * load goes on for as long as the test scales the group.
     */
    private CompletableFuture<List<String>> publishUnderLoad(String topic, int total, Semaphore credits) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            try {
                for (int sent = 0; sent < total; sent += 50) {
                    int n = Math.min(50, total - sent);
                    if (!credits.tryAcquire(n, timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("Consumers stopped making progress after " + sent + " messages");
                    }
                    List<Message> batch = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        batch.add(Message.builder(topic).text("load-" + (sent + i)).build());
                    }
                    for (PublishResult r : broker().publishAll(batch)) {
                        ids.add(r.messageId());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
            return ids;
        });
    }

    /**
     * A group scaled from 1 to {@link #maxConsumers()} consumers and back to 1 while messages keep coming
     * processes every message at least once. If it fails, check that scaling down closes subscriptions
     * gracefully and that the broker redelivers what they had not started.
     */
    @Test
    @DisplayName("scaling a group from 1 to 100 consumers and back to 1 under load loses nothing")
    void required_scalingUpAndDownUnderLoadLosesNothing() {
        String topic = topic("cg-scale");
        int max = maxConsumers();
        ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Semaphore credits = new Semaphore(200);
        ConsumerGroup group = manager.createGroup(template(topic, group("scale")).build(), 1, d -> {
            if (seen.add(d.message().id())) {
                credits.release();
            }
        });
        int total = Math.max(3000, 30 * max);
        CompletableFuture<List<String>> load = publishUnderLoad(topic, total, credits);

        awaitCount("progress with one consumer", seen::size, total / 6);
        group.scaleTo(max);
        assertThat(group.size()).isEqualTo(max);
        assertThat(group.consumerNames()).hasSize(max).doesNotHaveDuplicates();
        timeouts().await("every consumer active").until(() -> group.health().active() == max);
        int atMax = seen.size();
        awaitCount("progress with " + max + " consumers", seen::size, Math.min(total, atMax + total / 6));
        group.scaleTo(1);
        assertThat(group.size()).isEqualTo(1);
        assertThat(group.health().status()).isEqualTo(GroupHealth.Status.HEALTHY);

        List<String> ids = resultOf(load, timeouts().bulk());
        awaitCount("every message processed", () -> (int) ids.stream().filter(seen::contains).count(), total);
        assertThat(seen).containsAll(ids);
        timeouts().await("the statistics to count every message, removed consumers included")
                .until(() -> group.stats().processed() >= total);
        GroupStats stats = group.stats();
        assertThat(stats.failed()).isZero();
        assertThat(stats.consumers()).isEqualTo(1);
        if (broker().capabilities().supports(Capability.LAG)) {
            timeouts().await("the group's lag to drain").until(() -> group.stats().lag().map(ConsumerLag::total)
                    .orElse(-1L) == 0);
        }
    }

    /**
     * Two of five consumers killed (their subscriptions closed behind the manager's back) under load are
     * restarted by the supervisor under their names, and every message is processed at least once. If it
     * fails, check the supervisor.
     */
    @Test
    @DisplayName("killed consumers are restarted and nothing is lost")
    void required_killedConsumersAreRestarted() {
        String topic = topic("cg-kill");
        ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Semaphore credits = new Semaphore(200);
        ConsumerGroup group = manager.createGroup(template(topic, group("kill")).build(), 5, d -> {
            if (seen.add(d.message().id())) {
                credits.release();
            }
        });
        int total = 2000;
        CompletableFuture<List<String>> load = publishUnderLoad(topic, total, credits);
        awaitCount("some progress", seen::size, total / 4);
        List<String> victims = group.consumerNames().subList(1, 3);
        for (String victim : victims) {
            Subscription s = group.subscription(victim).orElseThrow();
            s.close();
            assertThat(s.isActive()).isFalse();
        }
        timeouts().await("the supervisor to restart both").until(() -> group.health().restarts() == 2
                && group.health().active() == 5);
        assertThat(group.size()).isEqualTo(5);
        for (ConsumerStats s : group.consumerStats()) {
            assertThat(s.restarts()).as("restarts of %s", s.consumerName())
                    .isEqualTo(victims.contains(s.consumerName()) ? 1 : 0);
            assertThat(s.active()).isTrue();
        }
        List<String> ids = resultOf(load, timeouts().bulk());
        awaitCount("every message processed", () -> (int) ids.stream().filter(seen::contains).count(), total);
        assertThat(group.health().status()).isEqualTo(GroupHealth.Status.HEALTHY);
        assertThat(group.stats().restarts()).isEqualTo(2);
    }

    /**
     * Seven messages that succeed and three that fail give exactly processed 7 and failed 3, per consumer and
     * per group, with uptime and throughput, and the lag drains. If it fails, check the handler wrapper.
     */
    @Test
    @DisplayName("statistics count processed and failed messages exactly")
    void required_statisticsAreExact() {
        String topic = topic("cg-stats");
        ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
        ConsumerGroup group = manager.createGroup(template(topic, group("stats")).retryPolicy(RetryPolicy.noRetries())
                .build(), 1, d -> {
                    if (d.message().header("fail").isPresent()) {
                        throw new IllegalArgumentException("bad input");
                    }
                });
        for (int i = 0; i < 10; i++) {
            Message.Builder m = Message.builder(topic).text("m-" + i);
            if (i % 4 == 1) {
                m.header("fail", "yes");
            }
            broker().publish(m.build());
        }
        timeouts().await("7 processed and 3 failed").until(() -> group.stats().processed() == 7
                && group.stats().failed() == 3);
        ConsumerStats consumer = group.consumerStats().get(0);
        assertThat(consumer.processed()).isEqualTo(7);
        assertThat(consumer.failed()).isEqualTo(3);
        assertThat(consumer.restarts()).isZero();
        assertThat(consumer.active()).isTrue();
        assertThat(consumer.uptime()).isPositive();
        assertThat(consumer.throughput()).isPositive();
        GroupStats stats = group.stats();
        assertThat(stats.topic()).isEqualTo(topic);
        assertThat(stats.consumers()).isEqualTo(1);
        assertThat(stats.activeConsumers()).isEqualTo(1);
        assertThat(stats.throughput()).isPositive();
        assertThat(stats.uptime()).isPositive();
        if (broker().capabilities().supports(Capability.LAG)) {
            timeouts().await("the lag to drain").until(() -> group.stats().lag().map(ConsumerLag::total).orElse(-1L) == 0);
        }
        if (broker().capabilities().supports(Capability.DEAD_LETTER_QUEUE)) {
            timeouts().await("3 dead letters").until(() -> broker().deadLetters(topic, group.group()).count() == 3);
        }
    }

    /**
     * Consumers added and removed at run time: names are unique, removal by name and of the newest works. If
     * it fails, check ConsumerGroup's membership.
     */
    @Test
    @DisplayName("consumers are added and removed at run time")
    void required_consumersAreAddedAndRemovedAtRunTime() {
        String topic = topic("cg-members");
        ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
        Set<String> handledBy = ConcurrentHashMap.newKeySet();
        ConsumerGroup group = manager.createGroup(template(topic, group("members")).build(), 1,
                d -> handledBy.add(d.consumerName()));
        assertThat(manager.group(topic, group.group())).containsSame(group);
        String second = group.addConsumer();
        String third = group.addConsumer();
        assertThat(group.consumerNames()).hasSize(3).doesNotHaveDuplicates().endsWith(second, third);
        assertThat(group.removeConsumer(second)).isTrue();
        assertThat(group.removeConsumer(second)).isFalse();
        assertThat(group.removeConsumer()).contains(third);
        assertThat(group.consumerNames()).hasSize(1);
        String last = group.consumerNames().get(0);
        broker().publish(Message.builder(topic).text("x").build());
        timeouts().await("the remaining consumer to handle a message").until(() -> handledBy.contains(last));
        assertThat(handledBy).containsExactly(last);
        group.close();
        assertThat(group.health().status()).isEqualTo(GroupHealth.Status.CLOSED);
        assertThat(manager.groups()).isEmpty();
        assertThatThrownBy(group::addConsumer).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Closing a group while its handlers run lets them finish (none is cut short) and acknowledges their
     * messages; a new group member then gets every other message and none of those. If it fails, check
     * graceful close.
     */
    @Test
    @DisplayName("closing a group drains it gracefully and another member finishes the rest")
    void required_closingDrainsGracefully() {
        String topic = topic("cg-drain");
        String groupName = group("drain");
        ConsumerGroupManager manager = track(ConsumerGroupManager.create(broker(), Duration.ofMillis(50)));
        CountDownLatch release = latch(1);
        Set<String> started = ConcurrentHashMap.newKeySet();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        ConsumerGroup group = manager.createGroup(template(topic, groupName).maxInFlight(1)
                .shutdownGracePeriod(timeouts().eventually()).build(), 3, d -> {
                    started.add(d.message().id());
                    await(release);
                    finished.add(d.message().id());
                });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(broker().publish(Message.builder(topic).text("job-" + i).build()).messageId());
        }
        timeouts().await("three handlers running").until(() -> started.size() == 3);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(group::close);
        timeouts().await("the group to begin closing").until(group::isClosed);
        release.countDown();
        resultOf(closing, timeouts().eventually());
        assertThat(finished).as("handlers that finished during the drain").isEqualTo(started);

        Set<String> second = ConcurrentHashMap.newKeySet();
        manager.createGroup(template(topic, groupName).build(), 1, d -> second.add(d.message().id()));
        awaitCount("the rest of the messages", () -> second.size() + finished.size(), ids.size());
        assertThat(second).as("messages acknowledged during the drain are not delivered again")
                .doesNotContainAnyElementsOf(finished);
        Set<String> all = new HashSet<>(finished);
        all.addAll(second);
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(ids.stream().filter(id -> !all.contains(id)).collect(Collectors.toList())).isEmpty();
    }
}

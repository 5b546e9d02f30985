package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.PublishResult;
import io.greenlang.messaging.VersionConflictException;

/**
 * The kit's {@code conditional-append} group: a conditional append succeeds only at the expected version.
 * {@link BrokerContractTest} runs it as its nested class {@code ConditionalAppend}, so a failure reads
 * {@code ConditionalAppend.required_...}; run this group alone with {@code -Dgroups=conditional-append}.
 */
public abstract class ConditionalAppendContract extends BrokerFeature {
    ConditionalAppendContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * On a new topic, {@code publishIfVersion(m, 0)} succeeds; a second append at version 0 fails with
     * {@code VersionConflictException} naming the topic, the expected version 0 and the actual version 1;
     * the append at version 1 succeeds; a plain publish also counts as a version; nothing refused is
     * stored. If it fails, check that the version check and the append are one atomic step and that the
     * version counts every message ever published to the topic.
     */
    @Test
    void required_appendsOnlyAtTheExpectedVersion() {
        assumeCapability(Capability.CONDITIONAL_APPEND);
        String topic = topic("cas");
        Message first = text(topic, "first");
        Message second = text(topic, "second");
        Message plain = text(topic, "plain");
        Message late = text(topic, "late");
        PublishResult r1 = broker().publishIfVersion(first, 0);
        assertThat(r1.messageId()).isEqualTo(first.id());
        assertThatThrownBy(() -> broker().publishIfVersion(second, 0)).as("a second append at version 0")
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.topic()).isEqualTo(topic);
                    assertThat(e.expectedVersion()).isEqualTo(0);
                    assertThat(e.actualVersion()).isEqualTo(1);
                });
        broker().publishIfVersion(second, 1);
        broker().publish(plain);
        assertThatThrownBy(() -> broker().publishIfVersion(late, 2)).as("an append at version 2 after a plain publish")
                .isInstanceOfSatisfying(VersionConflictException.class,
                        e -> assertThat(e.actualVersion()).isEqualTo(3));
        if (supports(Capability.READ_FROM_POSITION)) {
            assertThat(broker().read(topic, Position.beginning(), 10)).extracting(r -> r.message().id())
                    .as("what the topic holds").containsExactly(first.id(), second.id(), plain.id());
        }
    }

    /**
     * Eight threads appending at the same version at once: exactly one wins, the seven others get
     * {@code VersionConflictException} with actual version 1. If it fails, the check and the append are not
     * atomic (a read-then-write race, or a missing WATCH/transaction).
     */
    @Test
    void required_concurrentWritersAtOneVersionExactlyOneWins() throws Exception {
        assumeCapability(Capability.CONDITIONAL_APPEND);
        String topic = topic("cas-race");
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<PublishResult>> futures = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < writers; i++) {
                Message m = text(topic, "writer-" + i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return broker().publishIfVersion(m, 0);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<PublishResult> f : futures) {
                try {
                    f.get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
                    won++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).as("a losing writer's failure")
                            .isInstanceOfSatisfying(VersionConflictException.class,
                                    c -> assertThat(c.actualVersion()).isEqualTo(1));
                }
            }
            assertThat(won).as("writers that appended at version 0").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A negative expected version fails with IllegalArgumentException and a null message with
     * NullPointerException, at once. If it fails, check the argument checks of the conditional append.
     */
    @Test
    void required_badConditionalAppendArgumentsAreRejected() {
        assumeCapability(Capability.CONDITIONAL_APPEND);
        String topic = topic("cas-args");
        assertThatThrownBy(() -> broker().publishIfVersionAsync(text(topic, "x"), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> broker().publishIfVersionAsync(null, 0)).isInstanceOf(NullPointerException.class);
    }
}

package io.greenlang.messaging.tck.patterns;

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
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.VersionConflictException;
import io.greenlang.messaging.patterns.AppendResult;
import io.greenlang.messaging.patterns.Checkpoint;
import io.greenlang.messaging.patterns.EventStore;
import io.greenlang.messaging.patterns.Snapshot;
import io.greenlang.messaging.patterns.StoredEvent;

/**
 * The patterns kit's {@code event-sourcing} group: an event store appends, replays and rebuilds, with optimistic concurrency.
 * {@link PatternsContractTest} runs it as its nested class {@code EventSourcing}, so a failure reads
 * {@code EventSourcing.required_...}; run this group alone with {@code -Dgroups=event-sourcing}.
 */
public abstract class EventSourcingContract extends PatternFeature {
    EventSourcingContract(PatternsContractTest kit) {
        super(kit);
    }

    /**
     * Five appended events read back in order with versions 1 to 5, their types and bodies; reading after the
     * second continues with the third; reading respects the maximum. If it fails, check read(topic, position).
     */
    @Test
    @DisplayName("events replay in order with their versions, from the start or a checkpoint")
    void required_eventsReplayInOrderWithTheirVersions() {
        assumeCapability(Capability.READ_FROM_POSITION);
        EventStore store = EventStore.create(broker(), topic("es") + ".");
        String stream = "account-1";
        List<Object> events = List.of(new Deposited(100), new Deposited(50), new Withdrawn(30), new Deposited(5),
                new Withdrawn(25));
        List<AppendResult> appended = new ArrayList<>();
        for (Object e : events) {
            appended.add(store.append(stream, e));
        }
        List<StoredEvent> all = store.readAll(stream);
        assertThat(all).extracting(StoredEvent::version).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(all).extracting(StoredEvent::type)
                .containsExactly("Deposited", "Deposited", "Withdrawn", "Deposited", "Withdrawn");
        assertThat(all).extracting(StoredEvent::id).containsExactlyElementsOf(
                appended.stream().map(AppendResult::eventId).toList());
        assertThat(all.get(2).body(Withdrawn.class)).isEqualTo(new Withdrawn(30));
        assertThat(all).extracting(StoredEvent::stream).containsOnly(stream);

        List<StoredEvent> rest = store.read(stream, all.get(1).checkpoint(), 100);
        assertThat(rest).extracting(StoredEvent::version).containsExactly(3L, 4L, 5L);
        assertThat(store.read(stream, Checkpoint.START, 2)).extracting(StoredEvent::version).containsExactly(1L, 2L);
        assertThat(store.read(stream, all.get(4).checkpoint(), 10)).isEmpty();
        assertThat(store.version(stream)).isEqualTo(5);
        assertThat(store.readAll("account-nobody")).isEmpty();
    }

    /**
     * An account rebuilt from its events has the right balance; a rebuild continued from that snapshot after
     * more events equals a rebuild from the start. If it fails, check replay paging.
     */
    @Test
    @DisplayName("state is rebuilt from events, from the start or from a snapshot")
    void required_stateIsRebuiltFromEvents() {
        assumeCapability(Capability.READ_FROM_POSITION);
        EventStore store = EventStore.create(broker(), topic("es-rebuild") + ".");
        String stream = "account-2";
        for (int i = 1; i <= 600; i++) { // more than a page
            store.append(stream, i % 3 == 0 ? new Withdrawn(i) : new Deposited(2L * i));
        }
        Snapshot<Account> first = store.rebuild(stream, Account.EMPTY, Account::apply);
        long expected = IntStream.rangeClosed(1, 600).mapToLong(i -> i % 3 == 0 ? -i : 2L * i).sum();
        assertThat(first.state()).isEqualTo(new Account(expected, 600));
        assertThat(first.version()).isEqualTo(600);
        store.append(stream, new Deposited(1000));
        store.append(stream, new Withdrawn(1));
        Snapshot<Account> continued = store.rebuild(stream, first, Account::apply);
        Snapshot<Account> fromStart = store.rebuild(stream, Account.EMPTY, Account::apply);
        assertThat(continued.state()).isEqualTo(new Account(expected + 999, 602)).isEqualTo(fromStart.state());
        assertThat(continued.checkpoint()).isEqualTo(fromStart.checkpoint());
        assertThat(continued.version()).isEqualTo(602);
    }

    /**
     * Appends at versions 0 and 1 succeed; a second append at version 1 fails with
     * {@link VersionConflictException} (expected 1, actual 2) and stores nothing; the append at version 2
     * succeeds. If it fails, check the backend's conditional append.
     */
    @Test
    @DisplayName("an append at a stale version fails with a clear conflict and stores nothing")
    void required_anAppendAtAStaleVersionFails() {
        assumeCapability(Capability.CONDITIONAL_APPEND);
        assumeCapability(Capability.READ_FROM_POSITION);
        EventStore store = EventStore.create(broker(), topic("es-cas") + ".");
        String stream = "account-3";
        assertThat(store.supportsExpectedVersion()).isTrue();
        assertThat(store.append(stream, new Deposited(10), 0).version()).hasValue(1);
        Snapshot<Account> seen = store.rebuild(stream, Account.EMPTY, Account::apply);
        assertThat(store.append(stream, new Deposited(20), seen.version()).version()).hasValue(2);
        assertThatThrownBy(() -> store.append(stream, new Withdrawn(25), seen.version()))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.expectedVersion()).isEqualTo(1);
                    assertThat(e.actualVersion()).isEqualTo(2);
                    assertThat(e.topic()).isEqualTo(store.topic(stream));
                });
        assertThat(store.rebuild(stream, Account.EMPTY, Account::apply).state()).isEqualTo(new Account(30, 2));
        store.append(stream, new Withdrawn(25), 2);
        assertThat(store.rebuild(stream, Account.EMPTY, Account::apply).state()).isEqualTo(new Account(5, 3));
        assertThatThrownBy(() -> store.append(stream, new Deposited(1), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Eight writers appending at one version at once: exactly one wins, the others get a conflict naming
     * version 1. If it fails, the backend's check and append are not atomic.
     */
    @Test
    @DisplayName("of concurrent appenders at one version exactly one wins")
    void required_concurrentAppendersExactlyOneWins() throws Exception {
        assumeCapability(Capability.CONDITIONAL_APPEND);
        EventStore store = EventStore.create(broker(), topic("es-race") + ".");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = latch(1);
            List<Future<AppendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long amount = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return store.append("account-4", new Deposited(amount), 0);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<AppendResult> f : futures) {
                try {
                    f.get(timeouts().eventually().toMillis(), TimeUnit.MILLISECONDS);
                    won++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(VersionConflictException.class,
                            c -> assertThat(c.actualVersion()).isEqualTo(1));
                }
            }
            assertThat(won).as("appenders that won").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}

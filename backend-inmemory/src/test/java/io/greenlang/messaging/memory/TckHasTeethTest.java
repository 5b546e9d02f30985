package io.greenlang.messaging.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import io.greenlang.messaging.memory.broken.BreaksKeyOrderVariant;
import io.greenlang.messaging.memory.broken.CloseThrowsVariant;
import io.greenlang.messaging.memory.broken.CountsCharactersVariant;
import io.greenlang.messaging.memory.broken.DeliversExpiredVariant;
import io.greenlang.messaging.memory.broken.DropsMessagesVariant;
import io.greenlang.messaging.memory.broken.IgnoresFailuresVariant;
import io.greenlang.messaging.memory.broken.IgnoresLeasesVariant;
import io.greenlang.messaging.memory.broken.IgnoresPriorityVariant;
import io.greenlang.messaging.memory.broken.LosesDeadLettersVariant;
import io.greenlang.messaging.memory.broken.OrdersWithinMemberOnlyVariant;
import io.greenlang.messaging.memory.broken.RaisesAttemptsOnFetchVariant;
import io.greenlang.messaging.memory.broken.ReadsOneBatchPerBandVariant;
import io.greenlang.messaging.memory.broken.RedeliversAcknowledgedVariant;
import io.greenlang.messaging.memory.broken.TakesBackOwnExpiredVariant;

/**
 * Proves that the TCK catches broken backends. Each deliberately broken variant (a decorator around a real
 * {@code memory://} broker) runs through the JUnit Platform launcher, limited to the feature groups (tags)
 * its breakage touches plus a few unrelated "control" groups. The test asserts that exactly the expected
 * tests fail, with the rest of those groups and every control group passing: so the failures come from the
 * breakage, not from the decorator or the environment.
 *
 * <p>The runs start together before the tests and use a third of the usual deadlines (see
 * {@code BrokenVariant}); the whole class takes about as long as the slowest variant.
 */
class TckHasTeethTest {
    /** Groups every variant also runs; none of the breakages touches them. */
    private static final List<String> CONTROLS = List.of("messages", "read");

    /** Each variant: the groups it runs besides the controls, and exactly the tests that must fail. */
    private static final Map<Class<?>, Case> CASES = Map.ofEntries(
            Map.entry(DropsMessagesVariant.class, new Case(List.of("publishing", "groups", "validation"),
                    "Publishing.required_batchOfAThousandArrivesComplete",
                    "Publishing.required_concurrentPublishersEveryMessageExactlyOncePerGroup",
                    "Groups.required_eachMessageGoesToExactlyOneMemberOfAGroup",
                    "Groups.required_fourMembersShareALargeBacklogEachMessageOnce")),
            Map.entry(IgnoresFailuresVariant.class, new Case(List.of("retries", "undecodable", "validation", "acks"),
                    "Retries.required_failedMessageIsRetriedAfterBackoffWithRaisedAttempt",
                    "Retries.required_exhaustedRetriesAreDeadLetteredWithTheFailure",
                    "Retries.required_nonRetryableFailureIsDeadLetteredAtOnce",
                    "Retries.required_manyFailuresAcrossALargeBacklogAreRetriedWithTheirAttempts",
                    "UndecodablePayloads.required_undecodablePayloadIsDeadLetteredAndTheConsumerGoesOn")),
            Map.entry(RedeliversAcknowledgedVariant.class, new Case(List.of("acks", "publishing", "flow-control"),
                    "Acknowledgement.required_acknowledgedMessagesAreNotRedeliveredToANewMember",
                    "Acknowledgement.required_acknowledgedMessagesAreNotRedeliveredAfterARestart",
                    "Publishing.required_topicsAreIsolated",
                    "Publishing.required_batchOfAThousandArrivesComplete",
                    "Publishing.required_concurrentPublishersEveryMessageExactlyOncePerGroup",
                    "Acknowledgement.required_releasedDeliveryComesBackWithTheSameAttempt")),
            Map.entry(IgnoresPriorityVariant.class, new Case(List.of("priority", "provenance", "validation"),
                    "Priority.required_higherPriorityIsDeliveredFirstInABacklog",
                    "Priority.required_higherPriorityFirstThroughABacklogOfManyReads",
                    "Priority.required_fourMembersServeALargeMixedBacklogHigherPriorityFirst")),
            Map.entry(ReadsOneBatchPerBandVariant.class, new Case(List.of("priority", "groups", "validation"),
                    "Priority.required_higherPriorityFirstThroughABacklogOfManyReads",
                    "Priority.required_fourMembersServeALargeMixedBacklogHigherPriorityFirst")),
            Map.entry(DeliversExpiredVariant.class, new Case(List.of("ttl", "provenance", "validation"),
                    "TimeToLive.required_expiredMessageIsNeverHandledAndIsDeadLettered",
                    "TimeToLive.required_expiredMessageIsOnlyCountedWhenNotDeadLettering",
                    "TimeToLive.required_messageWhoseTtlPassesBeforeAMemberJoinsIsNeverHandled")),
            Map.entry(LosesDeadLettersVariant.class, new Case(
                    List.of("dead-letters", "retries", "validation", "groups"),
                    "DeadLetters.required_deadLettersCanBeCountedListedAndPurged",
                    "DeadLetters.required_replayByIdDeliversAgainToTheFailedGroupOnly",
                    "DeadLetters.required_replayMaxReplaysTheOldestFirst",
                    "DeadLetters.required_manyDeadLettersFromALargeBacklogAreKeptListedAndReplayedOnce",
                    "Retries.required_exhaustedRetriesAreDeadLetteredWithTheFailure",
                    "Retries.required_nonRetryableFailureIsDeadLetteredAtOnce",
                    "Retries.required_explicitDeadLetterIsRejectedWithTheGivenReason",
                    "Retries.required_manyFailuresAcrossALargeBacklogAreRetriedWithTheirAttempts",
                    "Retries.required_attemptsSpentInLostLeasesAreDeadLettered")),
            Map.entry(BreaksKeyOrderVariant.class, new Case(List.of("ordering", "groups", "retries"),
                    "Ordering.required_orderedSubscriptionHandlesEachKeyInPublishOrder",
                    "Ordering.required_retryInTheMiddleKeepsTheKeysOrder",
                    "Ordering.required_orderedBacklogFarLargerThanOneReadKeepsEachKeysOrder",
                    "Ordering.required_orderedMembersKeepEachKeysOrderAcrossTheGroup")),
            Map.entry(OrdersWithinMemberOnlyVariant.class, new Case(List.of("ordering"),
                    "Ordering.required_orderedMembersKeepEachKeysOrderAcrossTheGroup")),
            Map.entry(IgnoresLeasesVariant.class, new Case(List.of("leases", "lifecycle", "acks"),
                    "Leases.required_unacknowledgedMessageGoesToAnotherMemberAfterTheLease",
                    "Leases.required_attemptCountsOnlyHandOversWhenAMemberDies",
                    "Leases.required_hungMembersExpiredMessageGoesToAnotherMemberNotBackToIt",
                    "Leases.required_hungMembersOtherMessagesReachTheHealthyMember")),
            Map.entry(RaisesAttemptsOnFetchVariant.class, new Case(List.of("leases", "retries", "lifecycle"),
                    "Leases.required_attemptCountsOnlyHandOversWhenAMemberDies",
                    "Leases.required_hungMembersOtherMessagesReachTheHealthyMember")),
            Map.entry(TakesBackOwnExpiredVariant.class, new Case(List.of("leases", "retries", "lifecycle"),
                    "Leases.required_hungMembersExpiredMessageGoesToAnotherMemberNotBackToIt")),
            Map.entry(CountsCharactersVariant.class, new Case(List.of("validation"),
                    "Validation.required_sizeLimitCountsUtf8BytesNotCharacters",
                    "Validation.required_messageJustUnderTheLimitInBytesIsDeliveredIntact")),
            Map.entry(CloseThrowsVariant.class, new Case(List.of("lifecycle"),
                    "Lifecycle.required_closeOnAnInterruptedThreadDoesNotThrowAndKeepsTheFlag")));

    /**
     * The variants run at the same time: most of a broken variant's run is spent waiting for deadlines of
     * tests that fail, so running them one after another would only add up waiting.
     */
    private static final Map<Class<?>, CompletableFuture<TckRun>> RUNS = new ConcurrentHashMap<>();
    private static ExecutorService pool;

    @BeforeAll
    static void runEveryVariant() {
        pool = Executors.newFixedThreadPool(CASES.size(), r -> {
            Thread t = new Thread(r, "tck-variant");
            t.setDaemon(true);
            return t;
        });
        CASES.forEach((variant, c) -> RUNS.put(variant,
                CompletableFuture.supplyAsync(() -> TckRun.of(variant, c.tags()), pool)));
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    @Test
    @DisplayName("A backend that drops every 50th message fails the tests that count deliveries")
    void dropsMessages() {
        TckRun run = check(DropsMessagesVariant.class);
        run.assertFailureMentions("Publishing.required_batchOfAThousandArrivesComplete", "stuck at 980 of 1000");
    }

    @Test
    @DisplayName("A backend that ignores handler failures fails the retry and dead-letter tests")
    void ignoresFailures() {
        check(IgnoresFailuresVariant.class);
    }

    @Test
    @DisplayName("A backend that redelivers acknowledged messages fails the exactly-once tests")
    void redeliversAcknowledged() {
        check(RedeliversAcknowledgedVariant.class);
    }

    @Test
    @DisplayName("A backend that ignores priority fails the priority test")
    void ignoresPriority() {
        TckRun run = check(IgnoresPriorityVariant.class);
        run.assertFailureMentions("Priority.required_higherPriorityIsDeliveredFirstInABacklog",
                "priority-9 deliveries among the first 20");
    }

    @Test
    @DisplayName("A backend that reads one batch per band fails the priority tests at scale, not the small ones")
    void readsOneBatchPerBand() {
        TckRun run = check(ReadsOneBatchPerBandVariant.class);
        run.assertFailureMentions("Priority.required_higherPriorityFirstThroughABacklogOfManyReads",
                "priority-9 hand-overs among the first 300");
    }

    @Test
    @DisplayName("A backend that delivers expired messages fails the time-to-live tests")
    void deliversExpired() {
        check(DeliversExpiredVariant.class);
    }

    @Test
    @DisplayName("A backend that loses dead letters fails the dead-letter tests")
    void losesDeadLetters() {
        check(LosesDeadLettersVariant.class);
    }

    @Test
    @DisplayName("A backend that raises the attempt of messages no handler started fails the hand-over counting tests")
    void raisesAttemptsOnFetch() {
        check(RaisesAttemptsOnFetchVariant.class);
    }

    @Test
    @DisplayName("A backend that lets a hung member take back its own expired message fails the take-over test")
    void takesBackOwnExpired() {
        check(TakesBackOwnExpiredVariant.class);
    }

    @Test
    @DisplayName("A backend that lets a later message of a key overtake an earlier one fails the ordering tests")
    void breaksKeyOrder() {
        TckRun run = check(BreaksKeyOrderVariant.class);
        run.assertFailureMentions("Ordering.required_orderedBacklogFarLargerThanOneReadKeepsEachKeysOrder",
                "sequence numbers handed over for key-");
    }

    @Test
    @DisplayName("A backend that keeps a key's order within each member only fails the ordered-members test")
    void ordersWithinMemberOnly() {
        TckRun run = check(OrdersWithinMemberOnlyVariant.class);
        run.assertFailureMentions("Ordering.required_orderedMembersKeepEachKeysOrderAcrossTheGroup",
                "across the group's members");
    }

    @Test
    @DisplayName("A backend that ignores leases fails the take-over tests, not the lease-extension test")
    void ignoresLeases() {
        check(IgnoresLeasesVariant.class);
    }

    @Test
    @DisplayName("A backend whose size limit counts characters, not bytes, fails the UTF-8 size tests")
    void countsCharacters() {
        TckRun run = check(CountsCharactersVariant.class);
        run.assertFailureMentions("Validation.required_sizeLimitCountsUtf8BytesNotCharacters",
                "Expecting code to raise a throwable"); // the 90,000-byte message was accepted
    }

    @Test
    @DisplayName("A backend whose close throws on an interrupted thread fails the interrupted-close test")
    void closeThrows() {
        TckRun run = check(CloseThrowsVariant.class);
        run.assertFailureMentions("Lifecycle.required_closeOnAnInterruptedThreadDoesNotThrowAndKeepsTheFlag",
                "Command interrupted");
    }

    private static TckRun check(Class<?> variant) {
        TckRun run = RUNS.get(variant).join();
        run.assertExactlyTheseFailed(CASES.get(variant).mustFail());
        return run;
    }

    private record Case(List<String> featureTags, String... mustFail) {
        List<String> tags() {
            List<String> all = new ArrayList<>(featureTags);
            all.addAll(CONTROLS);
            return all;
        }
    }

    /** The outcome of running some feature groups of the TCK against one variant. */
    private static final class TckRun {
        private final Class<?> variant;
        private final List<String> tags;
        private final Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        private final Map<String, Set<String>> testsByTag = new ConcurrentHashMap<>();
        private final Map<String, String> skipped = new ConcurrentHashMap<>();

        private TckRun(Class<?> variant, List<String> tags) {
            this.variant = variant;
            this.tags = tags;
        }

        static TckRun of(Class<?> variant, List<String> tags) {
            TckRun run = new TckRun(variant, tags);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(variant))
                    .filters(EngineFilter.includeEngines("junit-jupiter"), TagFilter.includeTags(tags))
                    .build();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.isTest()) {
                        String key = key(id);
                        run.results.put(key, result);
                        for (TestTag tag : id.getTags()) {
                            run.testsByTag.computeIfAbsent(tag.getName(), t -> new TreeSet<>()).add(key);
                        }
                    }
                }

                @Override
                public void executionSkipped(TestIdentifier id, String reason) {
                    run.skipped.put(id.getDisplayName(), reason);
                }
            });
            return run;
        }

        /**
         * Asserts that the named tests failed and that every other test of the run (the rest of the broken
         * feature's groups and the control groups) passed.
         */
        void assertExactlyTheseFailed(String... expected) {
            for (String tag : tags) {
                assertThat(testsByTag.getOrDefault(tag, Set.of())).as("tests of group '%s' run against %s", tag,
                        variant.getSimpleName()).isNotEmpty();
            }
            assertThat(skipped).as("tests or groups skipped against %s", variant.getSimpleName()).isEmpty();
            Map<String, String> failed = new TreeMap<>();
            Map<String, String> aborted = new TreeMap<>();
            results.forEach((key, result) -> {
                String why = result.getThrowable().map(Throwable::toString).map(TckRun::shorten).orElse("");
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed.put(key, why);
                } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    aborted.put(key, why);
                }
            });
            assertThat(aborted).as("tests aborted (assumption failed) against %s", variant.getSimpleName()).isEmpty();
            assertThat(failed.keySet()).as("tests that failed against %s (their failures: %s)", variant.getSimpleName(),
                    failed).containsExactlyInAnyOrder(expected);
            Set<String> passed = results.keySet().stream().filter(k -> !failed.containsKey(k))
                    .collect(Collectors.toCollection(TreeSet::new));
            for (String control : CONTROLS) {
                assertThat(passed).as("control group '%s' passes against %s", control, variant.getSimpleName())
                        .containsAll(testsByTag.get(control));
            }
        }

        void assertFailureMentions(String test, String text) {
            TestExecutionResult result = results.get(test);
            assertThat(result).as("result of %s", test).isNotNull();
            assertThat(result.getThrowable()).as("failure of %s", test)
                    .hasValueSatisfying(t -> assertThat(t).hasMessageContaining(text));
        }

        private static String shorten(String s) {
            String oneLine = s.replaceAll("\\s+", " ");
            return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
        }

        private static String key(TestIdentifier id) {
            return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(s -> s.getClassName().substring(s.getClassName().lastIndexOf('$') + 1) + "."
                            + s.getMethodName())
                    .orElse(id.getUniqueId());
        }
    }
}

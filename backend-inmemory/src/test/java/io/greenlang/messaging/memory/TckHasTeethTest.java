package io.greenlang.messaging.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

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

import io.greenlang.messaging.memory.broken.DeliversExpiredVariant;
import io.greenlang.messaging.memory.broken.DropsMessagesVariant;
import io.greenlang.messaging.memory.broken.IgnoresFailuresVariant;
import io.greenlang.messaging.memory.broken.IgnoresPriorityVariant;
import io.greenlang.messaging.memory.broken.LosesDeadLettersVariant;
import io.greenlang.messaging.memory.broken.RedeliversAcknowledgedVariant;

/**
 * Proves that the TCK catches broken backends. Each deliberately broken variant (a decorator around a real
 * {@code memory://} broker) runs through the JUnit Platform launcher, limited to the feature groups (tags)
 * its breakage touches plus a few unrelated "control" groups. The test asserts that exactly the expected
 * tests fail, with the rest of those groups and every control group passing: so the failures come from the
 * breakage, not from the decorator or the environment.
 */
class TckHasTeethTest {
    /** Groups every variant also runs; none of the breakages touches them. */
    private static final List<String> CONTROLS = List.of("messages", "read");

    @Test
    @DisplayName("A backend that drops every 50th message fails the tests that count deliveries")
    void dropsMessages() {
        TckRun run = TckRun.of(DropsMessagesVariant.class, tags("publishing", "groups", "validation"));
        run.assertExactlyTheseFailed(
                "Publishing.required_batchOfAThousandArrivesComplete",
                "Publishing.required_concurrentPublishersEveryMessageExactlyOncePerGroup",
                "Groups.required_eachMessageGoesToExactlyOneMemberOfAGroup");
        run.assertFailureMentions("Publishing.required_batchOfAThousandArrivesComplete", "stuck at 980 of 1000");
    }

    @Test
    @DisplayName("A backend that ignores handler failures fails the retry and dead-letter tests")
    void ignoresFailures() {
        TckRun run = TckRun.of(IgnoresFailuresVariant.class, tags("retries", "undecodable", "validation", "acks"));
        run.assertExactlyTheseFailed(
                "Retries.required_failedMessageIsRetriedAfterBackoffWithRaisedAttempt",
                "Retries.required_exhaustedRetriesAreDeadLetteredWithTheFailure",
                "Retries.required_nonRetryableFailureIsDeadLetteredAtOnce",
                "UndecodablePayloads.required_undecodablePayloadIsDeadLetteredAndTheConsumerGoesOn");
    }

    @Test
    @DisplayName("A backend that redelivers acknowledged messages fails the exactly-once tests")
    void redeliversAcknowledged() {
        TckRun run = TckRun.of(RedeliversAcknowledgedVariant.class, tags("acks", "publishing", "flow-control"));
        run.assertExactlyTheseFailed(
                "Acknowledgement.required_acknowledgedMessagesAreNotRedeliveredToANewMember",
                "Acknowledgement.required_acknowledgedMessagesAreNotRedeliveredAfterARestart",
                "Publishing.required_topicsAreIsolated",
                "Publishing.required_batchOfAThousandArrivesComplete",
                "Publishing.required_concurrentPublishersEveryMessageExactlyOncePerGroup");
    }

    @Test
    @DisplayName("A backend that ignores priority fails the priority test")
    void ignoresPriority() {
        TckRun run = TckRun.of(IgnoresPriorityVariant.class, tags("priority", "provenance", "validation"));
        run.assertExactlyTheseFailed("Priority.required_higherPriorityIsDeliveredFirstInABacklog");
    }

    @Test
    @DisplayName("A backend that delivers expired messages fails the time-to-live tests")
    void deliversExpired() {
        TckRun run = TckRun.of(DeliversExpiredVariant.class, tags("ttl", "provenance", "validation"));
        run.assertExactlyTheseFailed(
                "TimeToLive.required_expiredMessageIsNeverHandledAndIsDeadLettered",
                "TimeToLive.required_expiredMessageIsOnlyCountedWhenNotDeadLettering",
                "TimeToLive.required_messageWhoseTtlPassesBeforeAMemberJoinsIsNeverHandled");
    }

    @Test
    @DisplayName("A backend that loses dead letters fails the dead-letter tests")
    void losesDeadLetters() {
        TckRun run = TckRun.of(LosesDeadLettersVariant.class, tags("dead-letters", "retries", "validation", "groups"));
        run.assertExactlyTheseFailed(
                "DeadLetters.required_deadLettersCanBeCountedListedAndPurged",
                "DeadLetters.required_replayByIdDeliversAgainToTheFailedGroupOnly",
                "DeadLetters.required_replayMaxReplaysTheOldestFirst",
                "Retries.required_exhaustedRetriesAreDeadLetteredWithTheFailure",
                "Retries.required_nonRetryableFailureIsDeadLetteredAtOnce",
                "Retries.required_explicitDeadLetterIsRejectedWithTheGivenReason");
    }

    private static List<String> tags(String... featureTags) {
        List<String> all = new ArrayList<>(Arrays.asList(featureTags));
        all.addAll(CONTROLS);
        return all;
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

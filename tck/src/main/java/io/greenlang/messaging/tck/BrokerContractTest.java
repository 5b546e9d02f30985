package io.greenlang.messaging.tck;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * The GreenLang Messaging contract as tests: every backend runs all of them. A backend's test class is a
 * few lines:
 * <pre>{@code
 * class MemoryBrokerTckTest extends BrokerContractTest {
 *     private final String name = "tck-" + UUID.randomUUID();
 *
 *     @Override
 *     protected Broker createBroker(Map<String, String> options) {
 *         return Brokers.connect("memory://" + name, options);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Layout.</b> This class is the kit's table of contents: one {@code @Nested} class per feature group,
 * each with its tag and display name, and nothing else. The tests of a group are in their own file, named
 * after the nested class: {@code Retries} runs {@link RetriesContract}, {@code Leases} runs
 * {@link LeasesContract}, and so on. What the groups share (the kit's retry policy and subscription options,
 * marker messages, message factories, common checks) is in {@link BrokerFeature}; the per-test broker, names,
 * deadlines and cleanup are in {@link BrokerTestSupport}, which the groups reach through
 * {@link FeatureContract}. A new scenario goes into its group's file; a new group is a new
 * {@code ...Contract} file plus its nested class here.
 *
 * <p><b>Reading a failure.</b> A report names a test by its nested class and method, for example
 * {@code Retries.required_exhaustedRetriesAreDeadLetteredWithTheFailure}: open {@code RetriesContract} and
 * find the method. Every test is named after the rule it checks ({@code required_...}) and its javadoc says
 * what to look at in the backend when it fails. Each group is tagged (for example {@code priority}) so that
 * it can be run alone with {@code mvn test -Dgroups=priority}.
 *
 * <p><b>Capabilities.</b> A test that needs a {@link io.greenlang.messaging.Capability} is skipped, with the
 * backend's reason, only when the backend declares it {@code UNSUPPORTED}; native and emulated capabilities
 * run the same tests.
 *
 * <p><b>Time.</b> Every wait has a deadline from {@link TckTimeouts}, stretched on slow machines with
 * {@code -Dgreenlang.tck.timeout.factor=N}. Nothing sleeps: tests wait for conditions. To show that
 * something does <em>not</em> happen (a message not redelivered, not delivered to another group), a test
 * publishes a later marker message on the same path and waits for it; a single consumer with concurrency
 * 1 takes messages in order, so once the marker has arrived the absence is established. Only where no
 * marker can work (a lease that must hold) does a test watch a short quiet period.
 *
 * <p><b>Groups.</b> The kit assumes what {@link io.greenlang.messaging.Broker#subscribe} promises: once it
 * returns, the group exists (at its start position), so a message published afterwards reaches the group. It
 * creates a group without live members by subscribing and closing.
 *
 * <p><b>Isolation.</b> Every test gets a fresh default broker ({@link #broker()}), unique topic and group
 * names, and its brokers and subscriptions are closed after it. Subscriptions get a short grace period and
 * fast retries ({@link BrokerFeature#options(String, String)}), so the whole kit runs in well under two
 * minutes on an in-process backend.
 */
public abstract class BrokerContractTest extends BrokerTestSupport {
    @Nested
    @Tag("messages")
    @DisplayName("Messages arrive intact: every field, any codec")
    class Messages extends MessagesContract {
        Messages() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("provenance")
    @DisplayName("Every message has a unique time-ordered id and a verifiable provenance hash")
    class Provenance extends ProvenanceContract {
        Provenance() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("publishing")
    @DisplayName("Topics are isolated and every published message arrives exactly once")
    class Publishing extends PublishingContract {
        Publishing() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("groups")
    @DisplayName("Every group gets every message; members of one group share them")
    class Groups extends GroupsContract {
        Groups() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("retries")
    @DisplayName("Failed messages are retried after a backoff, then dead-lettered")
    class Retries extends RetriesContract {
        Retries() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("dead-letters")
    @DisplayName("Dead letters can be counted, listed, replayed and purged")
    class DeadLetters extends DeadLettersContract {
        DeadLetters() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("acks")
    @DisplayName("Acknowledged messages are never delivered again")
    class Acknowledgement extends AcknowledgementContract {
        Acknowledgement() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("leases")
    @DisplayName("A member that stops responding loses its messages after the lease")
    class Leases extends LeasesContract {
        Leases() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("undecodable")
    @DisplayName("An undecodable payload is dead-lettered and the consumer goes on")
    class UndecodablePayloads extends UndecodablePayloadsContract {
        UndecodablePayloads() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("ttl")
    @DisplayName("Expired messages are never handled")
    class TimeToLive extends TimeToLiveContract {
        TimeToLive() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("priority")
    @DisplayName("Higher priority first in a backlog, without starving lower priorities")
    class Priority extends PriorityContract {
        Priority() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("ordering")
    @DisplayName("With ordering on, messages with one key are handled in publish order")
    class Ordering extends OrderingContract {
        Ordering() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("lifecycle")
    @DisplayName("Closing is graceful, idempotent and final")
    class Lifecycle extends LifecycleContract {
        Lifecycle() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("validation")
    @DisplayName("Bad input fails fast, before any I/O")
    class Validation extends ValidationContract {
        Validation() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("flow-control")
    @DisplayName("No more messages are in flight than the limit")
    class FlowControl extends FlowControlContract {
        FlowControl() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("observability")
    @DisplayName("Health, metrics and lag tell the truth")
    class Observability extends ObservabilityContract {
        Observability() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("read")
    @DisplayName("The log can be read from the beginning or from a position")
    class Reading extends ReadingContract {
        Reading() {
            super(BrokerContractTest.this);
        }
    }

    @Nested
    @Tag("conditional-append")
    @DisplayName("A conditional append succeeds only at the expected version")
    class ConditionalAppend extends ConditionalAppendContract {
        ConditionalAppend() {
            super(BrokerContractTest.this);
        }
    }
}

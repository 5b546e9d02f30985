package io.greenlang.messaging.tck.patterns;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

import io.greenlang.messaging.tck.BrokerTestSupport;
import io.greenlang.messaging.tck.TckTimeouts;

/**
 * The contract of the coordination patterns, run on a backend: request-reply, pub-sub, the work queue, event
 * sourcing, sagas, the circuit breaker and the consumer-group manager. A backend's test class is a few lines:
 * <pre>{@code
 * class MemoryPatternsTckTest extends PatternsContractTest {
 *     private final String name = "tck-" + UUID.randomUUID();
 *
 *     @Override
 *     protected Broker createBroker(Map<String, String> options) {
 *         return Brokers.connect("memory://" + name, options);
 *     }
 * }
 * }</pre>
 *
 * <p>Like {@link io.greenlang.messaging.tck.BrokerContractTest}: tests are grouped per pattern in tagged
 * {@code @Nested} classes ({@code mvn test -Dgroups=saga}), named after the rule they check, with javadoc
 * that says where to look when they fail; a test that needs a capability is skipped, with the backend's reason,
 * only when the backend declares it unsupported; every wait has a deadline from {@link TckTimeouts}
 * ({@code -Dgreenlang.tck.timeout.factor=N}); nothing sleeps. The patterns use the API only, so a failure here
 * that the broker contract tests do not show usually means a gap in the contract tests.
 *
 * <p><b>Layout.</b> As in the broker kit, this class only composes: one {@code @Nested} class per pattern, with
 * its tag and display name, whose tests are in the file named after it ({@code Sagas} runs
 * {@link SagasContract}); a report's {@code Sagas.required_...} names that file's method. What the groups share
 * is in {@link PatternFeature}.
 *
 * <p>Loads are the issue's: {@link #concurrentRequests()} (1,000) requests at once and a group scaled to
 * {@link #maxConsumers()} (100) consumers. A backend for which one consumer is heavy (Kafka: one client each)
 * may override them, and should say so.
 */
public abstract class PatternsContractTest extends BrokerTestSupport {
    /** How many requests the request-reply load test sends at once: the 1,000. */
    protected int concurrentRequests() {
        return 1000;
    }

    /** How many consumers the scaling test scales a group to: the 100. */
    protected int maxConsumers() {
        return 100;
    }

    @Nested
    @Tag("request-reply")
    @DisplayName("Request-reply pairs every reply with its request, times out, and drops late replies")
    class RequestReply extends RequestReplyContract {
        RequestReply() {
            super(PatternsContractTest.this);
        }
    }

    @Nested
    @Tag("pub-sub")
    @DisplayName("Pub-sub gives every subscriber every event")
    class PublishSubscribe extends PublishSubscribeContract {
        PublishSubscribe() {
            super(PatternsContractTest.this);
        }
    }

    @Nested
    @Tag("work-queue")
    @DisplayName("A work queue spreads tasks over its workers, retries them and dead-letters the hopeless")
    class WorkQueues extends WorkQueuesContract {
        WorkQueues() {
            super(PatternsContractTest.this);
        }
    }

    @Nested
    @Tag("event-sourcing")
    @DisplayName("An event store appends, replays and rebuilds, with optimistic concurrency")
    class EventSourcing extends EventSourcingContract {
        EventSourcing() {
            super(PatternsContractTest.this);
        }
    }

    @Nested
    @Tag("saga")
    @DisplayName("A saga runs its steps in order, compensates in reverse, and survives a restart")
    class Sagas extends SagasContract {
        Sagas() {
            super(PatternsContractTest.this);
        }
    }

    @Nested
    @Tag("circuit-breaker")
    @DisplayName("A circuit breaker opens on failures, cools down, probes and closes")
    class CircuitBreakers extends CircuitBreakersContract {
        CircuitBreakers() {
            super(PatternsContractTest.this);
        }
    }

    @Nested
    @Tag("consumer-groups")
    @DisplayName("A consumer-group manager scales, supervises and drains groups without losing messages")
    class ConsumerGroups extends ConsumerGroupsContract {
        ConsumerGroups() {
            super(PatternsContractTest.this);
        }
    }
}

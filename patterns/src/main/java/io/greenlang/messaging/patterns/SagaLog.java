package io.greenlang.messaging.patterns;

import static io.greenlang.messaging.patterns.SagaCoordinator.DEFINITION_HEADER;
import static io.greenlang.messaging.patterns.SagaCoordinator.EVENT_HEADER;
import static io.greenlang.messaging.patterns.SagaCoordinator.SAGA_ID_HEADER;
import static io.greenlang.messaging.patterns.SagaCoordinator.STEP_HEADER;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerClosedException;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;

/**
 * A coordinator's log topic: the events it appends as its sagas move, and reading them back on start to find the
 * sagas still in flight and where each one was. Writing and reading are kept together so the two stay in step.
 *
 * <p>Every event is keyed by the saga's id and carries its id, definition name and {@link Event} in headers; step
 * events add the step's name and index, failure events a reason. A saga's start carries its input as payload, a
 * completed request step its reply.
 */
final class SagaLog {
    static final String STEP_INDEX_HEADER = "greenlang.saga.step-index";
    static final String REASON_HEADER = "greenlang.saga.reason";

    // Warnings go out under the coordinator's name, where its users look for them.
    private static final System.Logger LOG = System.getLogger(SagaCoordinator.class.getName());
    private static final int PAGE = 500;
    private static final int APPEND_ATTEMPTS = 3;

    private enum Event {
        STARTED, STEP_COMPLETED, STEP_FAILED, STEP_COMPENSATED, COMPLETED, COMPENSATED, FAILED
    }

    private final Broker broker;
    private final String topic;

    SagaLog(Broker broker, String topic) {
        this.broker = broker;
        this.topic = topic;
    }

    /** The event that starts a saga, not yet appended; it doubles as the saga's input. */
    Message startedEvent(String sagaId, SagaDefinition definition, Object input) {
        return Payloads.withBody(Message.builder(topic), input, broker.codec())
                .header(EVENT_HEADER, Event.STARTED.name())
                .header(SAGA_ID_HEADER, sagaId)
                .header(DEFINITION_HEADER, definition.name())
                .key(sagaId)
                .build();
    }

    /** Step {@code index} succeeded; {@code reply} (null for a publish) is logged as the event's payload. */
    void stepCompleted(SagaRun s, int index, Message reply) {
        Message.Builder event = event(s, Event.STEP_COMPLETED, index);
        if (reply != null) {
            event.payload(reply.payload()).contentType(reply.contentType());
        }
        append(event.build());
    }

    void stepFailed(SagaRun s, int index, String reason) {
        append(event(s, Event.STEP_FAILED, index).header(REASON_HEADER, reason).build());
    }

    void stepCompensated(SagaRun s, int index) {
        append(event(s, Event.STEP_COMPENSATED, index).build());
    }

    /** The saga ends with {@code end}; the saga's compensation failure, if any, is the reason. */
    void finished(SagaRun s, SagaStatus end) {
        Event event = end == SagaStatus.COMPLETED ? Event.COMPLETED
                : end == SagaStatus.COMPENSATED ? Event.COMPENSATED : Event.FAILED;
        Message.Builder b = event(s, event, -1);
        if (s.compensationFailure() != null) {
            b.header(REASON_HEADER, s.compensationFailure());
        }
        append(b.build());
    }

    /**
     * Publishes {@code event}, trying three times in all: a saga stops only when the broker keeps refusing.
     *
     * @throws RuntimeException the broker's last exception; {@link BrokerClosedException} at once
     */
    void append(Message event) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
            try {
                broker.publish(event);
                return;
            } catch (BrokerClosedException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Reads the whole log and returns the sagas that have not finished, in the order they started, each where
     * its last event left it. Sagas of a definition not in {@code definitions} are skipped with a warning; events
     * this reader does not recognise are skipped.
     */
    List<SagaRun> readUnfinished(Map<String, SagaDefinition> definitions) {
        Map<String, SagaRun> open = new LinkedHashMap<>();
        Position at = Position.beginning();
        while (true) {
            List<RecordedMessage> page = broker.read(topic, at, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (RecordedMessage r : page) {
                apply(open, definitions, r.message());
            }
            at = page.get(page.size() - 1).position();
        }
        return new ArrayList<>(open.values());
    }

    private Message.Builder event(SagaRun s, Event event, int stepIndex) {
        Message.Builder b = Message.builder(topic)
                .header(EVENT_HEADER, event.name())
                .header(SAGA_ID_HEADER, s.id())
                .header(DEFINITION_HEADER, s.definition().name())
                .key(s.id());
        if (stepIndex >= 0) {
            b.header(STEP_HEADER, s.step(stepIndex).name()).header(STEP_INDEX_HEADER, Integer.toString(stepIndex));
        }
        return b;
    }

    private void apply(Map<String, SagaRun> open, Map<String, SagaDefinition> definitions, Message m) {
        String id = m.header(SAGA_ID_HEADER).orElse(null);
        String eventName = m.header(EVENT_HEADER).orElse(null);
        if (id == null || eventName == null) {
            return;
        }
        Event event;
        try {
            event = Event.valueOf(eventName);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (event == Event.STARTED) {
            String name = m.header(DEFINITION_HEADER).orElse("");
            SagaDefinition def = definitions.get(name);
            if (def == null) {
                LOG.log(System.Logger.Level.WARNING, "Saga " + id + " in log topic '" + topic
                        + "' has definition '" + name + "', which this coordinator does not know; it is not resumed.");
                return;
            }
            open.put(id, new SagaRun(id, def, Message.builder(topic).payload(m.payload())
                    .contentType(m.contentType()).build()));
            return;
        }
        SagaRun s = open.get(id);
        if (s == null) {
            return;
        }
        int index = stepIndex(m);
        boolean aboutAStep = event == Event.STEP_COMPLETED || event == Event.STEP_FAILED
                || event == Event.STEP_COMPENSATED;
        if (index >= s.definition().steps().size() || (aboutAStep && index < 0)) {
            LOG.log(System.Logger.Level.WARNING, "Saga " + id + " in log topic '" + topic + "': event " + event
                    + " has step index '" + m.header(STEP_INDEX_HEADER).orElse("(none)") + "', not one of its "
                    + s.definition().steps().size() + " steps (0 to " + (s.definition().steps().size() - 1)
                    + "); the event is skipped.");
            return;
        }
        switch (event) {
            case STEP_COMPLETED:
                // Only a request step's event carries a reply; a publish step's has no payload to keep.
                boolean replied = s.step(index).action().kind() == SagaStep.ExchangeKind.REQUEST;
                s.stepCompleted(index, replied ? m : null);
                break;
            case STEP_FAILED:
                s.stepFailed(index, m.header(REASON_HEADER).orElse("unknown"));
                break;
            case STEP_COMPENSATED:
                s.stepCompensated(index);
                break;
            default:
                open.remove(id);
        }
    }

    /** The event's step index, or -1 if it has none or it is not a number (a hand-written or foreign event). */
    private static int stepIndex(Message m) {
        try {
            return m.header(STEP_INDEX_HEADER).map(Integer::parseInt).orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

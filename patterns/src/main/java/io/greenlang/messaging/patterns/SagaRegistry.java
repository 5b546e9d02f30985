package io.greenlang.messaging.patterns;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sagas a coordinator knows: those in flight, and the results of the most recently finished ones (the oldest
 * is forgotten once more than {@link SagaCoordinatorOptions#finishedSagasKept()} have finished). Thread-safe.
 */
final class SagaRegistry {
    private final Map<String, SagaRun> inFlight = new ConcurrentHashMap<>();
    private final Map<String, SagaResult> finished;

    SagaRegistry(int finishedKept) {
        this.finished = Collections.synchronizedMap(new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SagaResult> eldest) {
                return size() > finishedKept;
            }
        });
    }

    /** Adds a saga in flight; false if one with its id is in flight already. */
    boolean add(SagaRun s) {
        return inFlight.putIfAbsent(s.id(), s) == null;
    }

    /** Forgets {@code s} (if it is still the one in flight under its id) without a result: it stays in the log. */
    void remove(SagaRun s) {
        inFlight.remove(s.id(), s);
    }

    /** {@code s} finished with {@code result}: it moves from in flight to finished. */
    void finished(SagaRun s, SagaResult result) {
        finished.put(s.id(), result);
        inFlight.remove(s.id(), s);
    }

    /** The saga in flight with that id, or null. */
    SagaRun inFlight(String sagaId) {
        return inFlight.get(sagaId);
    }

    /** The result of a finished saga still kept, or null. */
    SagaResult finished(String sagaId) {
        return finished.get(sagaId);
    }

    List<String> inFlightIds() {
        return List.copyOf(inFlight.keySet());
    }

    Collection<SagaRun> inFlight() {
        return inFlight.values();
    }

    int inFlightCount() {
        return inFlight.size();
    }
}

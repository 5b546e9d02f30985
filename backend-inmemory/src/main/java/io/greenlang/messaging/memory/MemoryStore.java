package io.greenlang.messaging.memory;

import io.greenlang.messaging.Message;
import io.greenlang.messaging.spi.codec.Codecs;
import io.greenlang.messaging.spi.provenance.Provenance;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The topics of one {@code memory://} name. Named stores are shared by every open broker of that name in
 * the JVM and dropped when the last of them closes, so tests that use fresh names never see each other.
 */
final class MemoryStore {
    private static final Map<String, MemoryStore> NAMED = new HashMap<>();
    private static final Codecs CODECS = Codecs.standard();
    private static final Function<Message, String> HASHER = m -> Provenance.hash(m, CODECS);

    private final String name;
    private final Duration retention;
    private final int maxRetained;
    private final ConcurrentHashMap<String, MemoryTopic> topics = new ConcurrentHashMap<>();
    private int references; // guarded by NAMED

    private MemoryStore(String name, Duration retention, int maxRetained) {
        this.name = name;
        this.retention = retention;
        this.maxRetained = maxRetained;
    }

    /**
     * The store for {@code name}, created if needed with these limits (a store that exists keeps its own);
     * a {@code null} name gives a private store.
     */
    static MemoryStore acquire(String name, Duration retention, int maxRetained) {
        if (name == null) {
            return new MemoryStore("(private)", retention, maxRetained);
        }
        synchronized (NAMED) {
            MemoryStore store = NAMED.computeIfAbsent(name, n -> new MemoryStore(n, retention, maxRetained));
            store.references++;
            return store;
        }
    }

    /** Called once by each broker that acquired a named store, when it closes. */
    void release() {
        synchronized (NAMED) {
            if (NAMED.get(name) == this && --references == 0) {
                NAMED.remove(name);
            }
        }
    }

    String name() {
        return name;
    }

    MemoryTopic topic(String topic) {
        MemoryTopic existing = topics.get(topic); // first: the capturing lambda below costs an allocation per call
        return existing != null ? existing
                : topics.computeIfAbsent(topic, t -> new MemoryTopic(t, retention, maxRetained, HASHER));
    }

    /** The topic if it exists; {@code null} otherwise. */
    MemoryTopic existingTopic(String topic) {
        return topics.get(topic);
    }

    Collection<MemoryTopic> topics() {
        return topics.values();
    }
}

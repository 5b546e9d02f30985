package io.greenlang.messaging.memory;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A group's dead letters, oldest first, each with the log entry it came from so that a replay keeps the message's
 * position. Ids are a sequence per group. Guarded by the topic's lock, like the group.
 */
final class DeadLetterStore {
    private final Map<String, Dead> letters = new LinkedHashMap<>();
    private long sequence;

    private record Dead(DeadLetter letter, Entry entry) {
    }

    void add(DeadLetterRequest request, Entry entry) {
        String id = Long.toString(++sequence);
        letters.put(id, new Dead(request.withId(id), entry));
    }

    long count() {
        return letters.size();
    }

    List<DeadLetter> list(int max) {
        List<DeadLetter> out = new ArrayList<>(Math.min(max, letters.size()));
        for (Dead d : letters.values()) {
            if (out.size() == max) {
                break;
            }
            out.add(d.letter());
        }
        return Collections.unmodifiableList(out);
    }

    /** Removes the dead letter {@code id}; returns the entry it came from, if there was one. */
    Optional<Entry> remove(String id) {
        return Optional.ofNullable(letters.remove(id)).map(Dead::entry);
    }

    /** Removes up to {@code max} of the oldest; returns their entries, oldest first. */
    List<Entry> removeOldest(int max) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Dead> it = letters.values().iterator(); it.hasNext() && out.size() < max; ) {
            out.add(it.next().entry());
            it.remove();
        }
        return out;
    }

    /** Removes them all; returns how many there were. */
    long clear() {
        long n = letters.size();
        letters.clear();
        return n;
    }
}

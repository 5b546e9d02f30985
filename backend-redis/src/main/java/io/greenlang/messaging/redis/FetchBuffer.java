package io.greenlang.messaging.redis;

import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.priority.PriorityBands;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one member has read and not handed out yet, by priority band, and how much of each stream to read next, so
 * that hand-outs follow the {@link BandScheduler} over the whole backlog, not only over what one read returned.
 *
 * <p>Each stream is read with its own {@code COUNT}: a band stream at most what the next hand-outs can take from that
 * band ({@link BandScheduler#mostServed}) less what is held of it, so a member never holds a batch of a lower band
 * that only its fairness turns will take. A band stream whose last read came back full may hold more entries for the
 * group: it then counts as waiting even when nothing of it is held, and {@link #take} stops when the scheduler
 * chooses such a band, until the next read has fetched it. So a lower band is never handed out in place of a higher
 * band whose entries are still in Redis.
 *
 * <p>Stream indexes are those of {@link GroupMembership}: the bands, then the retry stream. Not thread-safe: used
 * under the source's lock.
 */
final class FetchBuffer implements BandScheduler.Bands {
    /** The band streams and the group's retry stream. */
    static final int STREAMS = PriorityBands.COUNT + 1;

    private final List<ArrayDeque<Handle>> bands = new ArrayList<>(PriorityBands.COUNT);
    private final BandScheduler scheduler = new BandScheduler();
    /** Per stream: whether its last read came back full, so that it may hold more entries for the group. */
    private final boolean[] more = new boolean[STREAMS];
    private int size;

    FetchBuffer() {
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            bands.add(new ArrayDeque<>());
        }
        assumeMore();
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Treats every stream as holding more than was read: at start and after a connection loss, when nothing is known. */
    void assumeMore() {
        java.util.Arrays.fill(more, true);
    }

    /** Whether some stream's last read came back full. */
    boolean mayHoldMore() {
        for (boolean m : more) {
            if (m) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many entries to read from each stream for the next {@code handOuts} hand-outs; 0 for a stream not to read.
     * Every band stream is read unless enough of it is held, so new entries of a higher band are seen; the retry
     * stream (whose entries go to the front of their bands) fills what the buffer lacks of {@code handOuts}.
     */
    int[] readCounts(int handOuts) {
        int[] counts = new int[STREAMS];
        long above = 0; // what waits in the bands above, as far as the scheduler can tell
        for (int b = PriorityBands.COUNT - 1; b >= 0; b--) {
            int held = bands.get(b).size();
            counts[b] = Math.max(0, scheduler.mostServed(handOuts, above) - held);
            above = more[b] || above == Long.MAX_VALUE ? Long.MAX_VALUE : above + held;
        }
        counts[GroupMembership.RETRY] = Math.max(0, handOuts - size);
        return counts;
    }

    /** Records that a read asked {@code asked} entries of {@code stream} and got {@code got}. */
    void read(int stream, int asked, int got) {
        more[stream] = got >= asked;
    }

    void addLast(Handle h) {
        bands.get(h.band()).addLast(h);
        size++;
    }

    /** Puts handles at the front of their bands, keeping their order: retries, released and reclaimed entries. */
    void addFirst(List<Handle> handles) {
        for (int i = handles.size() - 1; i >= 0; i--) {
            Handle h = handles.get(i);
            bands.get(h.band()).addFirst(h);
            size++;
        }
    }

    /**
     * Takes up to {@code max} handles in the scheduler's order. Stops early when the scheduler chooses a band of which
     * nothing is held but whose stream may hold more: that band is read first.
     */
    List<Handle> take(int max) {
        List<Handle> out = new ArrayList<>(Math.min(max, size));
        while (out.size() < max) {
            int band = scheduler.peek(this);
            if (band < 0 || bands.get(band).isEmpty()) {
                break;
            }
            scheduler.served();
            out.add(bands.get(band).pollFirst());
            size--;
        }
        return out;
    }

    void forEach(Consumer<Handle> action) {
        bands.forEach(band -> band.forEach(action));
    }

    /** Removes and returns every handle held. */
    List<Handle> drain() {
        List<Handle> all = new ArrayList<>(size);
        for (ArrayDeque<Handle> band : bands) {
            all.addAll(band);
            band.clear();
        }
        size = 0;
        return all;
    }

    /** For the scheduler: a band waits if some of it is held, or its stream may hold more. */
    @Override
    public boolean isWaiting(int band) {
        return !bands.get(band).isEmpty() || more[band];
    }

    /**
     * For the scheduler: by the millisecond of the entries' original stream ids, then by message id (time-ordered, as
     * the Kafka backend breaks ties), since a backlog published in one batch shares its milliseconds across the bands;
     * a band of which nothing is held is not older.
     */
    @Override
    public int compareOldest(int a, int b) {
        Handle x = bands.get(a).peekFirst();
        Handle y = bands.get(b).peekFirst();
        if (x == null || y == null) {
            return 0;
        }
        int c = Long.compare(x.age, y.age);
        if (c == 0 && x.message != null && y.message != null) {
            c = x.message.id().compareTo(y.message.id());
        }
        return c;
    }
}

package io.greenlang.messaging.redis;

import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.Position;
import io.greenlang.messaging.RecordedMessage;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic without a group ({@code Broker.read}): pages of {@code XRANGE} on its three band streams, merged in
 * the log order {@link Positions} describes. A band whose page came back full may hold more, so nothing after its
 * last entry is handed out before the next page. Entries that are not messages of this library are skipped.
 * Thread-safe; blocks until Redis answers.
 */
final class LogReader {
    private static final Logger LOG = LoggerFactory.getLogger(LogReader.class);

    private final Keys keys;
    private final RedisClusterAsyncCommands<byte[], byte[]> commands;
    private final RedisCalls calls;

    LogReader(Keys keys, RedisClusterAsyncCommands<byte[], byte[]> commands, RedisCalls calls) {
        this.keys = keys;
        this.commands = commands;
        this.calls = calls;
    }

    /**
     * Up to {@code max} messages after {@code after}, in log order.
     *
     * @throws io.greenlang.messaging.MessagingException if Redis fails or does not answer in time
     */
    List<RecordedMessage> read(String topic, Position after, int max) {
        Positions.StreamPosition cursor = after.isBeginning() ? null : Positions.parse(after);
        byte[][] streams = new byte[PriorityBands.COUNT][];
        for (int b = 0; b < PriorityBands.COUNT; b++) {
            streams[b] = keys.band(topic, b);
        }
        List<RecordedMessage> out = new ArrayList<>();
        String what = "read topic '" + topic + "'";
        while (out.size() < max) {
            int want = max - out.size();
            Positions.StreamPosition from = cursor;
            List<List<StreamMessage<byte[], byte[]>>> pages = calls.call(what, () -> {
                List<CompletableFuture<List<StreamMessage<byte[], byte[]>>>> fs = new ArrayList<>();
                for (int b = 0; b < PriorityBands.COUNT; b++) {
                    fs.add(commands.xrange(streams[b], lowerBound(from, b), Limit.from(want)).toCompletableFuture());
                }
                return CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0]))
                        .thenApply(v -> fs.stream().map(CompletableFuture::join).toList());
            });
            List<Positions.StreamPosition> positions = new ArrayList<>();
            Map<Positions.StreamPosition, StreamMessage<byte[], byte[]>> entries = new LinkedHashMap<>();
            Positions.StreamPosition bound = null;
            for (int b = 0; b < PriorityBands.COUNT; b++) {
                List<StreamMessage<byte[], byte[]>> page = pages.get(b);
                for (StreamMessage<byte[], byte[]> m : page) {
                    long[] id = Positions.entryId(m.getId());
                    Positions.StreamPosition p = new Positions.StreamPosition(b, id[0], id[1]);
                    positions.add(p);
                    entries.put(p, m);
                }
                if (page.size() == want) { // this band may have more: nothing after its last entry is certain
                    long[] id = Positions.entryId(page.get(page.size() - 1).getId());
                    Positions.StreamPosition last = new Positions.StreamPosition(b, id[0], id[1]);
                    bound = bound == null || last.compareTo(bound) < 0 ? last : bound;
                }
            }
            if (positions.isEmpty()) {
                break;
            }
            positions.sort(Positions.StreamPosition::compareTo);
            Positions.StreamPosition examined = null;
            for (Positions.StreamPosition p : positions) {
                if (out.size() == max || (bound != null && p.compareTo(bound) > 0)) {
                    break;
                }
                examined = p;
                StreamMessage<byte[], byte[]> m = entries.get(p);
                byte[] envelope = m.getBody() == null ? null : Fields.get(m.getBody(), Fields.MESSAGE);
                if (envelope == null) {
                    LOG.debug("Skipping entry {} of {} while reading: it has no field 'm'", m.getId(), topic);
                    continue;
                }
                try {
                    out.add(new RecordedMessage(WireFormat.decode(envelope, topic), Positions.of(p.band(), m.getId())));
                } catch (PayloadDecodingException e) {
                    LOG.debug("Skipping entry {} of {} while reading: {}", m.getId(), topic, e.getMessage());
                }
            }
            if (bound == null) {
                break; // every band was read to its end
            }
            cursor = examined;
        }
        return List.copyOf(out);
    }

    /** Where band {@code band} continues after {@code cursor} in log order (time, band, sequence). */
    static Range<String> lowerBound(Positions.StreamPosition cursor, int band) {
        if (cursor == null) {
            return Range.unbounded();
        }
        Range.Boundary<String> lower;
        if (band == cursor.band()) {
            lower = Range.Boundary.excluding(cursor.entryId());
        } else if (band > cursor.band()) {
            lower = Range.Boundary.including(cursor.millis() + "-0");
        } else {
            lower = Range.Boundary.including((cursor.millis() + 1) + "-0");
        }
        return Range.from(lower, Range.Boundary.unbounded());
    }
}

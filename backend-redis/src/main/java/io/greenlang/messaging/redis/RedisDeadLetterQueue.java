package io.greenlang.messaging.redis;

import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;
import io.greenlang.messaging.spi.runtime.AbstractDeadLetterQueue;
import io.greenlang.messaging.spi.runtime.DeadLetterFields;
import io.greenlang.messaging.spi.wire.WireFormat;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter stream of one topic and group (<code>P:{topic}:dlq:group</code>). A dead letter's id is its
 * entry id. Count is {@code XLEN}, list is {@code XRANGE}, purge is {@code DEL} (in a script that returns the
 * count), and replay copies the message, as attempt 1 with its original position, to the group's own retry
 * stream and deletes the dead letter, in one script: only that group sees it again. Dead letters are not
 * trimmed by the retention; they stay until replayed or purged.
 *
 * <p>Operations block until Redis answers and are safe from any thread.
 */
final class RedisDeadLetterQueue extends AbstractDeadLetterQueue {
    private static final Logger LOG = LoggerFactory.getLogger(RedisDeadLetterQueue.class);

    private final RedisBroker broker;
    private final String topic;
    private final String group;
    private final byte[] key;
    private final byte[] retryKey;

    RedisDeadLetterQueue(RedisBroker broker, String topic, String group) {
        super(broker, topic, group);
        this.broker = broker;
        this.topic = topic;
        this.group = group;
        this.key = broker.keys().deadLetters(topic, group);
        this.retryKey = broker.keys().retry(topic, group);
    }

    @Override
    protected long doCount() {
        return broker.call("count the dead letters of " + where(), () -> broker.commands().xlen(key).toCompletableFuture());
    }

    @Override
    protected List<DeadLetter> doList(int max) {
        List<StreamMessage<byte[], byte[]>> entries = broker.call("list the dead letters of " + where(),
                () -> broker.commands().xrange(key, Range.unbounded(), Limit.from(max)).toCompletableFuture());
        List<DeadLetter> out = new ArrayList<>(entries.size());
        for (StreamMessage<byte[], byte[]> e : entries) {
            DeadLetter dl = decode(e);
            if (dl != null) {
                out.add(dl);
            }
        }
        return out;
    }

    @Override
    protected boolean doReplay(String deadLetterId) {
        if (!deadLetterId.matches("\\d{1,20}-\\d{1,20}")) {
            return false;
        }
        Long n = broker.<Long>call("replay dead letter " + deadLetterId + " of " + where(),
                () -> Script.REPLAY.run(broker.commands(), ScriptOutputType.INTEGER, new byte[][] {key, retryKey},
                        Fields.bytes("id"), Fields.bytes(deadLetterId), broker.minIdArgument()));
        return n != null && n > 0;
    }

    @Override
    protected int doReplay(int max) {
        Long n = broker.<Long>call("replay the dead letters of " + where(),
                () -> Script.REPLAY.run(broker.commands(), ScriptOutputType.INTEGER, new byte[][] {key, retryKey},
                        Fields.bytes("max"), Fields.bytes(Integer.toString(max)), broker.minIdArgument()));
        return n == null ? 0 : n.intValue();
    }

    @Override
    protected long doPurge() {
        Long n = broker.<Long>call("purge the dead letters of " + where(),
                () -> Script.PURGE.run(broker.commands(), ScriptOutputType.INTEGER, new byte[][] {key}));
        return n == null ? 0 : n;
    }

    private DeadLetter decode(StreamMessage<byte[], byte[]> e) {
        Map<byte[], byte[]> body = e.getBody();
        try {
            byte[] envelope = Objects.requireNonNull(Fields.get(body, Fields.MESSAGE), "field m");
            Message message = WireFormat.decode(envelope, topic);
            return DeadLetterFields.read(e.getId(), message, group, field -> Fields.getString(body, Fields.key(field)),
                    Fields::instant);
        } catch (PayloadDecodingException | IllegalArgumentException | NullPointerException ex) {
            LOG.warn("Skipping entry {} of the dead-letter stream of {}: it is not a dead letter this library wrote ({})",
                    e.getId(), where(), ex.getMessage());
            return null;
        }
    }

    private String where() {
        return "topic '" + topic + "', group '" + group + "'";
    }

    @Override
    public String toString() {
        return "RedisDeadLetterQueue{" + topic + "/" + group + "}";
    }
}

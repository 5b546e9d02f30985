package io.greenlang.messaging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.greenlang.messaging.Capability;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterReason;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.PayloadDecodingException;

/**
 * The kit's {@code undecodable} group: an undecodable payload is dead-lettered and the consumer goes on.
 * {@link BrokerContractTest} runs it as its nested class {@code UndecodablePayloads}, so a failure reads
 * {@code UndecodablePayloads.required_...}; run this group alone with {@code -Dgroups=undecodable}.
 */
public abstract class UndecodablePayloadsContract extends BrokerFeature {
    UndecodablePayloadsContract(BrokerContractTest kit) {
        super(kit);
    }

    /**
     * A message whose payload is not what its content type says ({@code {not json} as
     * {@code application/json}}) makes {@code body(Map.class)} throw {@code PayloadDecodingException}; the
     * message is dead-lettered at once with reason UNDECODABLE and the consumer handles the next message.
     * If it fails, check that {@code Delivery.body} wraps codec errors in {@code PayloadDecodingException}
     * and that the consumer treats it as non-retryable.
     */
    @Test
    void required_undecodablePayloadIsDeadLetteredAndTheConsumerGoesOn() {
        assumeCapability(Capability.DEAD_LETTER_QUEUE);
        String topic = topic("undecodable");
        String group = group("undecodable");
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        Recorder rec = new Recorder(d -> {
            try {
                d.body(Map.class);
            } catch (RuntimeException e) {
                thrown.add(e);
                throw e;
            }
        });
        subscribe(options(topic, group).build(), rec);
        Message bad = Message.builder(topic).payload("{not json".getBytes(StandardCharsets.UTF_8))
                .contentType(broker().codec().contentType()).build();
        Message good = Message.builder(topic).body(Map.of("ok", true), broker().codec()).build();
        broker().publish(bad);
        broker().publish(good);

        timeouts().await("the good message after the bad one").until(() -> rec.has(good.id()));
        DeadLetter dl = awaitSingleDeadLetter(broker().deadLetters(topic, group));
        assertThat(dl.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
        assertThat(dl.message().id()).isEqualTo(bad.id());
        assertThat(dl.message().payload()).isEqualTo(bad.payload());
        assertThat(dl.attempts()).isEqualTo(1);
        assertThat(dl.group()).isEqualTo(group);
        assertThat(thrown).as("what body(Map.class) threw").singleElement()
                .isInstanceOf(PayloadDecodingException.class);
        publishMarkerAndAwait(broker(), topic, rec);
        assertThat(rec.count(bad.id())).as("hand-overs of the undecodable message").isEqualTo(1);
        assertThat(rec.count(good.id())).isEqualTo(1);
    }
}

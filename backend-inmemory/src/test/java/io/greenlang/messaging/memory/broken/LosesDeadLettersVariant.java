package io.greenlang.messaging.memory.broken;

import java.util.List;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;

/** Loses dead letters: messages are dead-lettered as usual, but every dead-letter queue reports nothing. */
public class LosesDeadLettersVariant extends BrokenVariant {
    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            protected DeadLetterQueue wrap(DeadLetterQueue queue) {
                return new DeadLetterQueue() {
                    @Override
                    public String topic() {
                        return queue.topic();
                    }

                    @Override
                    public String group() {
                        return queue.group();
                    }

                    @Override
                    public long count() {
                        return 0;
                    }

                    @Override
                    public List<DeadLetter> list(int max) {
                        return List.of();
                    }

                    @Override
                    public boolean replay(String deadLetterId) {
                        return false;
                    }

                    @Override
                    public int replay(int max) {
                        return 0;
                    }

                    @Override
                    public long purge() {
                        return 0;
                    }
                };
            }
        };
    }
}

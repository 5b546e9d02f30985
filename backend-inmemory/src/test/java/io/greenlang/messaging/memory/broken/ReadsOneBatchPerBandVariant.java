package io.greenlang.messaging.memory.broken;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import io.greenlang.messaging.memory.MemoryInternals;
import io.greenlang.messaging.spi.metrics.BrokerMetrics;
import io.greenlang.messaging.spi.priority.BandScheduler;
import io.greenlang.messaging.spi.priority.PriorityBands;
import io.greenlang.messaging.spi.runtime.AbstractBroker;
import io.greenlang.messaging.spi.runtime.ConsumerRuntime;
import io.greenlang.messaging.spi.runtime.ConsumerSource;
import io.greenlang.messaging.spi.runtime.DeadLetterRequest;
import io.greenlang.messaging.spi.runtime.InboundMessage;

/**
 * Fetches as the Redis backend did before issue 14 (defect 1): only when it holds fewer than a poll asks for, it
 * reads one batch of up to that many from every band, and it hands out what it holds by the band scheduler, so
 * the rule holds only within what one read fetched. In a backlog far larger than one read, the rest of a lower
 * band's batch goes out while the higher band waits in the store.
 *
 * <p>The reads come from the real group: it hands out in its scheduler's order (one in ten to a lower band), so a
 * read asks it for {@value BandScheduler#FAIRNESS_INTERVAL} batches' worth, keeps one batch per band and gives
 * the rest back at once, without raising their attempts. Settling goes to the real group unchanged.
 */
public class ReadsOneBatchPerBandVariant extends BrokenVariant {
    @Override
    protected Broker decorate(Broker working) {
        return new ForwardingBroker(working) {
            @Override
            public Subscription subscribe(SubscriptionOptions options, MessageHandler handler) {
                if (options == null || handler == null) {
                    return super.subscribe(options, handler);
                }
                ConsumerSource source = new OneBatchPerBand(MemoryInternals.openConsumer(delegate, options));
                return new ConsumerRuntime(options, handler, source, new BrokerMetrics("memory", delegate.name()),
                        ((AbstractBroker) delegate).codecs(), runtime -> { }).start();
            }
        };
    }

    /** The member: a buffer by band, filled one batch per band when it runs low. */
    static final class OneBatchPerBand implements ConsumerSource, BandScheduler.Bands {
        private final ConsumerSource real;
        private final List<ArrayDeque<InboundMessage>> bands = new ArrayList<>();
        private final BandScheduler scheduler = new BandScheduler();
        private int held;

        OneBatchPerBand(ConsumerSource real) {
            this.real = real;
            for (int b = 0; b < PriorityBands.COUNT; b++) {
                bands.add(new ArrayDeque<>());
            }
        }

        @Override
        public synchronized List<InboundMessage> poll(int max, Duration timeout) throws InterruptedException {
            if (held < max) {
                read(max, held == 0 ? timeout : Duration.ZERO);
            }
            List<InboundMessage> out = new ArrayList<>();
            while (out.size() < max && held > 0) {
                out.add(bands.get(scheduler.next(this)).pollFirst());
                held--;
            }
            return out;
        }

        /** Reads up to {@code max} of every band, as one {@code XREADGROUP ... COUNT max} over the band streams did. */
        private void read(int max, Duration timeout) throws InterruptedException {
            List<InboundMessage> got = real.poll(BandScheduler.FAIRNESS_INTERVAL * max, timeout);
            int[] taken = new int[PriorityBands.COUNT];
            List<InboundMessage> back = new ArrayList<>();
            for (InboundMessage r : got) {
                int band = r.isDecoded() ? PriorityBands.of(r.message().priority()) : PriorityBands.LOW;
                if (taken[band] < max) {
                    bands.get(band).addLast(r);
                    taken[band]++;
                    held++;
                } else {
                    back.add(r);
                }
            }
            if (!back.isEmpty()) {
                real.release(back);
            }
        }

        @Override
        public boolean isWaiting(int band) {
            return !bands.get(band).isEmpty();
        }

        /** By log offset, which is what a memory position holds. */
        @Override
        public int compareOldest(int a, int b) {
            return Long.compare(offset(bands.get(a).peekFirst()), offset(bands.get(b).peekFirst()));
        }

        private static long offset(InboundMessage r) {
            return Long.parseLong(r.position().value());
        }

        @Override
        public void handedOver(InboundMessage record) {
            real.handedOver(record);
        }

        @Override
        public void stalled() {
            real.stalled();
        }

        @Override
        public void ack(InboundMessage record) {
            real.ack(record);
        }

        @Override
        public void retry(InboundMessage record, Duration delay, Instant firstFailure) {
            real.retry(record, delay, firstFailure);
        }

        @Override
        public void deadLetter(InboundMessage record, DeadLetterRequest request) {
            real.deadLetter(record, request);
        }

        @Override
        public boolean extendLease(InboundMessage record, Duration extension) {
            return real.extendLease(record, extension);
        }

        @Override
        public void release(List<InboundMessage> records) {
            real.release(records);
        }

        @Override
        public void flush() {
            real.flush();
        }

        @Override
        public void close() {
            synchronized (this) {
                List<InboundMessage> all = new ArrayList<>();
                bands.forEach(all::addAll);
                bands.forEach(ArrayDeque::clear);
                held = 0;
                if (!all.isEmpty()) {
                    real.release(all);
                }
            }
            real.close();
        }
    }
}

package io.greenlang.messaging.benchmarks;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import io.greenlang.messaging.MessageHandler;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The library on a broker URL, used as an application would: one {@link Broker} connection per run,
 * {@link Broker#publishAsync} with at most {@value #WINDOW} publishes awaiting confirmation,
 * {@link Broker#publishAllAsync} for batches, and subscriptions with default options (concurrency 1, start
 * at the earliest message) whose handler returning acknowledges.
 */
public final class LibraryTarget implements BenchTarget {
    /** Publishes that may await confirmation at once. */
    static final int WINDOW = 8192;

    private final BrokerConfig config;
    private final int maxInFlight;
    private final String runId;
    private final String brokerName;

    /**
     * Connects once to check the URL and learn the broker's name, then closes.
     *
     * @param maxInFlight the subscriptions' {@code maxInFlight}, or 0 for the library's default
     * @throws io.greenlang.messaging.MessagingException if the broker cannot be reached or the URL is invalid
     */
    public LibraryTarget(BrokerConfig config, int maxInFlight) {
        this.config = config;
        this.maxInFlight = maxInFlight;
        this.runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (Broker probe = Brokers.connect(config)) {
            this.brokerName = probe.name();
        }
    }

    @Override
    public String label() {
        return "library";
    }

    @Override
    public String description() {
        return "GreenLang Messaging on " + brokerName;
    }

    /** The broker's URL with secrets masked. */
    public String brokerName() {
        return brokerName;
    }

    /** A new connection to the broker, for scenarios that use the API directly ({@link ChainRuns}). */
    Broker connect() {
        return Brokers.connect(config);
    }

    /** The topic of a run's channel {@code name}. */
    String topic(String name) {
        return "bench." + runId + "." + name;
    }

    @Override
    public BenchChannel open(String name, int capacity) {
        return new LibraryChannel(Brokers.connect(config), topic(name));
    }

    /** A channel on a broker whose default codec is {@code codec}, as a service publishing records configures. */
    @Override
    public BenchChannel open(String name, int capacity, String codec) {
        BrokerConfig withCodec = config.mutate().option(BrokerConfig.CODEC, codec).build();
        return new LibraryChannel(Brokers.connect(withCodec), topic(name));
    }

    @Override
    public void close() {
    }

    private final class LibraryChannel implements BenchChannel {
        private final Broker broker;
        private final String topic;
        private final PublishWindow window = new PublishWindow(WINDOW);

        LibraryChannel(Broker broker, String topic) {
            this.broker = broker;
            this.topic = topic;
        }

        @Override
        public void publish(byte[] payload) {
            window.acquire(1);
            broker.publishAsync(Message.builder(topic).payload(payload).build())
                    .whenComplete((result, error) -> settle(1, error));
        }

        /** As a service publishes an object: {@code publishAsync} of a message whose body the broker's codec wrote. */
        @Override
        public void publishRecord(Reading reading, RecordCodec codec) {
            window.acquire(1);
            broker.publishAsync(Message.builder(topic).body(reading, broker.codec()).build())
                    .whenComplete((result, error) -> settle(1, error));
        }

        @Override
        public void publishBatch(List<byte[]> payloads) {
            List<Message> messages = new ArrayList<>(payloads.size());
            for (byte[] p : payloads) {
                messages.add(Message.builder(topic).payload(p).build());
            }
            window.acquire(messages.size());
            broker.publishAllAsync(messages).whenComplete((results, error) -> settle(messages.size(), error));
        }

        private void settle(int publishes, Throwable error) {
            window.release(publishes, error);
        }

        @Override
        public void awaitPublished(Duration timeout) {
            if (!window.awaitEmpty(timeout)) {
                throw new BenchmarkException("Publishes to " + topic + " were not confirmed within " + timeout);
            }
            Throwable t = window.failure();
            if (t != null) {
                throw new BenchmarkException("Publishing to " + topic + " failed: " + t.getMessage(), t);
            }
        }

        @Override
        public void createGroup() {
            // a member that joins and leaves at once; the topic is fresh, so it takes nothing
            broker.subscribe(options().consumerName("bench-creator").build(), delivery -> {
                throw new IllegalStateException("the group's creator must not handle messages");
            }).close();
        }

        private SubscriptionOptions.Builder options() {
            SubscriptionOptions.Builder options = SubscriptionOptions.builder(topic, "bench")
                    .startPosition(StartPosition.EARLIEST);
            if (maxInFlight > 0) {
                options.maxInFlight(maxInFlight);
            }
            return options;
        }

        /**
         * Starts each member from its own thread and returns at once, as the baselines start their consumers: a
         * Kafka {@code subscribe} returns once the group has settled, and a drain must not wait for the second
         * member's rebalance while the first one already drains.
         */
        @Override
        public Consumers consume(int consumers, PayloadHandler handler) {
            return subscribe(consumers, delivery -> handler.onMessage(delivery.message().payloadBuffer()));
        }

        /** Decodes with {@link io.greenlang.messaging.Delivery#body}, by the message's content type. */
        @Override
        public Consumers consumeRecords(int consumers, RecordCodec codec, Consumer<Reading> handler) {
            return subscribe(consumers, delivery -> handler.accept(delivery.body(Reading.class)));
        }

        private Consumers subscribe(int consumers, MessageHandler handler) {
            SubscriptionOptions.Builder options = options();
            List<CompletableFuture<Subscription>> subscriptions = new ArrayList<>();
            for (int i = 0; i < consumers; i++) {
                SubscriptionOptions member = options.consumerName("bench-" + i).build();
                subscriptions.add(CompletableFuture.supplyAsync(() -> broker.subscribe(member, handler),
                        task -> new Thread(task, "bench-subscribe-" + member.consumerName()).start()));
            }
            return () -> {
                List<CompletableFuture<Void>> closing = new ArrayList<>();
                for (CompletableFuture<Subscription> s : subscriptions) {
                    closing.add(s.thenCompose(Subscription::closeAsync).toCompletableFuture());
                }
                try {
                    CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).join();
                } catch (CompletionException e) {
                    throw new BenchmarkException("A subscription to " + topic + " failed: "
                            + e.getCause().getMessage(), e.getCause());
                }
            };
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}

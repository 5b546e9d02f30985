package io.greenlang.messaging.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.Names;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glm consume}: joins a group, prints each message as one JSON line and acknowledges it; stops after
 * {@code --max} messages or when none came for {@code --timeout}.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {
            "Consumes messages as a member of a group and prints each as one JSON line.",
            "Consumes messages as a member of a group and prints each as one JSON line: id, topic, key, priority, "
                    + "headers, contentType, payload (UTF-8 text for text and JSON, else base64, as payloadEncoding "
                    + "says), attempt, position, group, createdAt.",
            "Each printed message is acknowledged. Stops after --max messages, or after --timeout without a message."
        })
final class ConsumeCommand extends BaseCommand {
    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(names = {"-g", "--group"}, required = true, paramLabel = "GROUP", description = "Consumer group to join.")
    String group;

    @Option(names = "--from", paramLabel = "earliest|latest", defaultValue = "earliest",
            converter = Converters.StartConverter.class,
            description = "Where a new group starts: earliest retained message or only new ones (default "
                    + "${DEFAULT-VALUE}). No effect on an existing group.")
    StartPosition from;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N messages.")
    Integer max;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "Stop after this long without a message (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    protected int execute() {
        Names.requireValidTopic(topic);
        Names.requireValidGroup(group);
        if (max != null && max < 1) {
            throw usage("--max must be at least 1, was " + max);
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be positive");
        }
        PrintWriter out = out();
        AtomicLong count = new AtomicLong();
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        CountDownLatch reachedMax = new CountDownLatch(1);
        AtomicReference<Subscription> self = new AtomicReference<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        SubscriptionOptions.Builder options = SubscriptionOptions.builder(topic, group).startPosition(from);
        if (max != null) {
            options.maxInFlight(Math.min(max, 256));
        }
        try (Broker broker = connectForData(); Progress progress = progress("consume")) {
            // Concurrency 1: the handler runs on the poller thread, so closing the subscription in the handler
            // of the last wanted message stops it before it hands over another one.
            Subscription subscription = broker.subscribe(options.build(), delivery -> {
                synchronized (out) {
                    out.println(Json.write(line(delivery)));
                    out.flush();
                }
                lastActivity.set(System.nanoTime());
                long n = count.incrementAndGet();
                if (max != null && n == max) {
                    if (subscribed.await(10, TimeUnit.SECONDS)) {
                        self.get().closeAsync();
                    }
                    reachedMax.countDown();
                }
            });
            self.set(subscription);
            subscribed.countDown();
            waitUntilDone(reachedMax, lastActivity, count, progress);
            subscription.close();
        }
        long n = count.get();
        err().println("Consumed " + n + (n == 1 ? " message" : " messages") + " from " + topic + " as group " + group
                + ".");
        err().flush();
        return 0;
    }

    private void waitUntilDone(CountDownLatch reachedMax, AtomicLong lastActivity, AtomicLong count, Progress progress) {
        long idleNanos = timeout.toNanos();
        try {
            while (true) {
                long idleFor = System.nanoTime() - lastActivity.get();
                long left = idleNanos - idleFor;
                if (left <= 0) {
                    return;
                }
                if (reachedMax.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)) {
                    return;
                }
                progress.update(count.get() + " messages consumed from " + topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode line(Delivery d) {
        ObjectNode n = Json.message(d.message());
        n.put("attempt", d.attempt());
        n.put("position", d.position().value());
        n.put("group", d.group());
        return n;
    }
}

package io.greenlang.messaging.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Delivery;
import io.greenlang.messaging.StartPosition;
import io.greenlang.messaging.Subscription;
import io.greenlang.messaging.SubscriptionOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code glm consume}: joins a group, prints each message as one JSON line and settles it once the line is written:
 * acknowledges it, or with {@code --reject} dead-letters it. Stops after {@code --max} messages, when none came for
 * {@code --timeout} once the member had joined, or when standard output is closed (a reader such as {@code head}
 * went away): then the message whose line could not be written is handed back unsettled, with what the member had
 * fetched, and the exit code is 1.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {
            "Consumes messages as a member of a group and prints each as one JSON line.",
            "Consumes messages as a member of a group and prints each as one JSON line: id, topic, key, priority, "
                    + "headers, contentType, payload (UTF-8 text for text and JSON, else base64, as payloadEncoding "
                    + "says), attempt, position, group, createdAt.",
            "A message is acknowledged (or, with --reject, dead-lettered) only once its line is written. Stops after "
                    + "--max messages, after --timeout without a message, or when standard output is closed: then "
                    + "what was not written goes back to the group and the exit code is 1."
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
            description = "Stop after this long without a message, counted once the member has joined (default "
                    + "${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--reject", paramLabel = "REASON",
            description = "Dead-letter each message taken, with this reason, instead of acknowledging it (see "
                    + "'glm dlq list').")
    String reject;

    @Override
    protected int execute() {
        validTopic(topic);
        validGroup(group);
        if (max != null && max < 1) {
            throw usage("--max must be at least 1, was " + max);
        }
        if (timeout.isZero()) {
            throw usage("--timeout must be positive");
        }
        if (reject != null && reject.isBlank()) {
            throw usage("--reject needs a reason");
        }
        PrintWriter out = out();
        AtomicLong count = new AtomicLong();
        AtomicLong lastActivity = new AtomicLong();
        AtomicBoolean outputClosed = new AtomicBoolean();
        CountDownLatch stop = new CountDownLatch(1);
        SubscriptionOptions.Builder options = SubscriptionOptions.builder(topic, group).startPosition(from);
        if (max != null) {
            options.maxInFlight(Math.min(max, 256));
        }
        try (Broker broker = connectForData(); Progress progress = progress("consume")) {
            // Concurrency 1: one handler at a time, so lines are written in the order messages are taken, and the
            // handler of the last wanted message stops the member before it takes another.
            Subscription subscription = broker.subscribe(options.build(), delivery -> {
                if (stop.getCount() == 0) {
                    delivery.release(); // taken while stopping: not printed, so not settled
                    return;
                }
                synchronized (out) {
                    out.println(Json.write(line(delivery)));
                    if (out.checkError()) { // flushes; true once the reader went away
                        outputClosed.set(true);
                        stop.countDown();
                        delivery.release();
                        return;
                    }
                }
                if (reject != null) {
                    delivery.deadLetter(reject);
                }
                lastActivity.set(System.nanoTime());
                if (count.incrementAndGet() == (max != null ? max : -1)) {
                    stop.countDown();
                }
            });
            lastActivity.compareAndSet(0, System.nanoTime()); // the idle clock starts once the member has joined
            waitUntilDone(stop, lastActivity, count, progress);
            subscription.close();
        }
        long n = count.get();
        String summary = (reject != null ? "Rejected " : "Consumed ") + n + (n == 1 ? " message" : " messages")
                + " from " + topic + " as group " + group + (reject != null ? " (dead-lettered)" : "") + ".";
        if (outputClosed.get()) {
            err().println("glm: standard output was closed after " + n + (n == 1 ? " line" : " lines") + "; the "
                    + "messages not written went back to group " + group + ". " + summary);
            err().flush();
            return Main.ERROR;
        }
        err().println(summary);
        err().flush();
        return 0;
    }

    private void waitUntilDone(CountDownLatch stop, AtomicLong lastActivity, AtomicLong count, Progress progress) {
        long idleNanos = timeout.toNanos();
        try {
            while (true) {
                long left = idleNanos - (System.nanoTime() - lastActivity.get());
                if (left <= 0) {
                    return;
                }
                if (stop.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS)) {
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

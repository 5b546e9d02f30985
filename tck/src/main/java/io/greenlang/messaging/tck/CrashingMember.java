package io.greenlang.messaging.tck;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.SubscriptionOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A member of a group in a child JVM, to be killed without a goodbye (SIGKILL): what a crash leaves behind can only
 * be seen from another process. The child runs {@link #main}: it connects to a broker URL, subscribes, prints
 * {@code READY}, and for each delivery prints {@code START <message id> <attempt>}; a message whose text starts
 * with {@code hang} then hangs its handler (as a crashed process would hold it), any other is acknowledged and
 * printed as {@code DONE <message id>} just before the handler returns. The parent reads these lines.
 *
 * <pre>{@code
 * try (CrashingMember child = CrashingMember.start(url, Map.of(), topic, group, "child")) {
 *     child.awaitLine("START", Duration.ofSeconds(30));
 *     child.kill();
 * }
 * }</pre>
 *
 * The child's class path is the test JVM's, so the backend under test is on it. The child exits when its
 * standard input closes, so it never outlives a parent that died.
 */
public final class CrashingMember implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Map<String, Long> doneAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> seen = new ArrayList<>();

    private CrashingMember(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("DONE ")) {
                        doneAt.put(line.substring(5), System.nanoTime());
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "crashing-member-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the child and waits until its subscription is ready.
     *
     * @param options broker options, passed to {@link Brokers#connect(String, Map)}
     */
    public static CrashingMember start(String url, Map<String, String> options, String topic, String group,
            String consumerName, Duration ready) {
        List<String> command = new ArrayList<>(List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashingMember.class.getName(), url, topic, group, consumerName));
        options.forEach((k, v) -> command.add(k + "=" + v));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            CrashingMember member = new CrashingMember(p);
            try {
                member.awaitLine("READY", ready);
            } catch (RuntimeException e) {
                member.close();
                throw e;
            }
            return member;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start a child JVM: " + e, e);
        }
    }

    /** Waits for the next line starting with {@code prefix} (other lines are kept in {@link #lines()}). */
    public String awaitLine(String prefix, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new IllegalStateException(new TimeoutException("The child JVM printed no line starting with '"
                            + prefix + "' within " + max + " (alive: " + process.isAlive() + "); it printed " + seen));
                }
                synchronized (seen) {
                    seen.add(line);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the child JVM", e);
        }
    }

    /**
     * When this JVM read the child's {@code DONE} line for each message ({@link System#nanoTime()}): the child's
     * handler was returning (acknowledging the message) at about that time, or earlier.
     */
    public Map<String, Long> doneAt() {
        return Map.copyOf(doneAt);
    }

    /** Every line read so far, including those still queued. */
    public List<String> lines() {
        synchronized (seen) {
            List<String> all = new ArrayList<>(seen);
            all.addAll(lines);
            return all;
        }
    }

    /** Kills the child with SIGKILL (no shutdown hook, no close, no goodbye to the broker) and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The child JVM did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    /**
     * The child's entry point: {@code url topic group consumerName [option=value...]}. Options named
     * {@code lease-timeout} and {@code concurrency} set the subscription; the others go to the broker.
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        SubscriptionOptions.Builder sub = SubscriptionOptions.builder(args[1], args[2]).consumerName(args[3]);
        String lease = options.remove("lease-timeout");
        if (lease != null) {
            sub.leaseTimeout(Duration.parse(lease));
        }
        String concurrency = options.remove("concurrency");
        if (concurrency != null) {
            sub.concurrency(Integer.parseInt(concurrency));
        }
        CountDownLatch never = new CountDownLatch(1);
        Broker broker = Brokers.connect(args[0], options);
        broker.subscribe(sub.build(), d -> {
            out.println("START " + d.message().id() + " " + d.attempt());
            if (d.message().payloadAsString().startsWith("hang")) {
                never.await(); // held until the process is killed
            }
            out.println("DONE " + d.message().id());
        });
        out.println("READY");
        // exits when the parent closes our standard input or dies
        while (System.in.read() >= 0) {
            // ignore input
        }
        Runtime.getRuntime().halt(0);
    }
}

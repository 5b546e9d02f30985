package io.greenlang.messaging.tck.logging;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child JVM of {@link TraceLogCheck}: connects to the broker URL it is given, checks its health, publishes
 * a message, receives it through a subscription, reads the dead letters, closes, and writes every line captured
 * by {@link CapturingLogProvider} to the output file. Exits 0 if all that worked, 2 if the capturing provider is
 * not the SLF4J binding, 1 otherwise.
 */
public final class TraceLogProbe {
    private TraceLogProbe() {
    }

    /** Arguments: the broker URL, the output file. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Logger log = LoggerFactory.getLogger(TraceLogProbe.class);
        Path out = Path.of(args[1]);
        if (!(LoggerFactory.getILoggerFactory().getLogger("probe") instanceof CapturingLogger)) {
            System.err.println("The SLF4J binding is " + LoggerFactory.getILoggerFactory().getClass().getName()
                    + ", not CapturingLogProvider: run with -Dslf4j.provider=" + CapturingLogProvider.class.getName());
            System.exit(2);
        }
        int status = 0;
        try (Broker broker = Brokers.connect(args[0])) {
            log.trace("connected to {} ({})", broker.name(), broker);
            log.trace("health {}", broker.health());
            String topic = "trace-probe-" + UUID.randomUUID();
            CountDownLatch got = new CountDownLatch(1);
            broker.subscribe(topic, "probe", d -> {
                log.trace("received {}", d.message());
                got.countDown();
            });
            broker.publish(Message.builder(topic).text("probe").build());
            if (!got.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the probe's message did not arrive within " + Duration.ofSeconds(60));
            }
            log.trace("dead letters: {}", broker.deadLetters(topic, "probe").count());
        } catch (RuntimeException e) {
            log.error("the probe failed", e);
            status = 1;
        }
        Files.write(out, CapturingLogProvider.lines(), StandardCharsets.UTF_8);
        System.exit(status);
    }
}

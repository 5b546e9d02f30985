package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import io.greenlang.messaging.ConfigurationException;
import io.greenlang.messaging.Health;
import io.greenlang.messaging.MessagingException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glm health}: a round trip to the broker. Exit code 0 when it is up, 1 when it is down. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {
            "Checks the broker with a round trip.",
            "Prints UP or DOWN, the round-trip time and the backend's details. Exit code 0 when up, 1 when down or "
                    + "unreachable."
        })
final class HealthCommand extends BaseCommand {
    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    protected int execute() {
        BrokerConfig config = common.config();
        Broker broker;
        try {
            broker = Brokers.connect(config);
        } catch (ConfigurationException e) {
            throw e; // not a health problem: the URL or an option is wrong
        } catch (MessagingException e) {
            return print(config.redactedUrl(), "DOWN", null, Map.of("error", Errors.message(e)));
        }
        try (broker) {
            Health health = broker.health();
            return print(broker.name(), health.status().name(), health.latency(), new TreeMap<>(health.details()));
        }
    }

    /** Prints the status; exit code 0 when UP, else 1 with the reason on standard error. */
    private int print(String name, String status, Duration latency, Map<String, String> details) {
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("broker", name);
            fields.put("status", status);
            if (latency != null) {
                fields.put("latencyMillis", Math.round(latency.toNanos() / 1e3) / 1000.0);
            }
            fields.put("details", details);
            out().println(Json.object(fields));
        } else {
            StringBuilder line = new StringBuilder(status).append(' ').append(name);
            if (latency != null) {
                line.append(String.format(Locale.ROOT, " in %.3f ms", latency.toNanos() / 1e6));
            }
            details.forEach((k, v) -> line.append(", ").append(k).append('=').append(v));
            out().println(line);
        }
        out().flush();
        if (status.equals("UP")) {
            return 0;
        }
        err().println("glm: broker " + name + " is " + status
                + (details.containsKey("error") ? ": " + details.get("error") : ""));
        err().flush();
        return Main.ERROR;
    }
}

package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Health;
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
        try (Broker broker = common.connect()) {
            Health health = broker.health();
            double millis = health.latency().toNanos() / 1e6;
            Map<String, String> details = new TreeMap<>(health.details());
            if (json) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("broker", broker.name());
                fields.put("status", health.status().name());
                fields.put("latencyMillis", Math.round(millis * 1000) / 1000.0);
                fields.put("details", details);
                out().println(Json.object(fields));
            } else {
                StringBuilder line = new StringBuilder(health.status().name()).append(' ').append(broker.name())
                        .append(String.format(Locale.ROOT, " in %.3f ms", millis));
                details.forEach((k, v) -> line.append(", ").append(k).append('=').append(v));
                out().println(line);
            }
            out().flush();
            if (!health.isUp()) {
                err().println("glm: broker " + broker.name() + " is DOWN"
                        + (details.containsKey("error") ? ": " + details.get("error") : ""));
                err().flush();
                return Main.ERROR;
            }
            return 0;
        }
    }
}

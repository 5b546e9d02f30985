package io.greenlang.messaging.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greenlang.messaging.BrokerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a forked benchmark JVM ({@link BenchFork}) is given and gives back, as JSON files: the settings, with the
 * broker's credentials (in a file only its owner may read, which the fork deletes on reading; never on a command
 * line), and the rows it measured.
 */
final class ForkProtocol {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForkProtocol() {
    }

    static void writeConfig(BenchConfig c, Path file) {
        ObjectNode root = JSON.createObjectNode();
        BrokerConfig broker = c.broker();
        ObjectNode b = root.putObject("broker");
        b.put("url", broker.scheme() + "://" + String.join(",", broker.hosts()) + broker.path());
        broker.username().ifPresent(u -> b.put("username", u));
        broker.password().ifPresent(p -> b.put("password", p));
        ObjectNode options = b.putObject("options");
        broker.options().forEach(options::put);
        ArrayNode sizes = root.putArray("payloadSizes");
        c.payloadSizes().forEach(sizes::add);
        ArrayNode scenarios = root.putArray("scenarios");
        c.scenarios().forEach(s -> scenarios.add(s.id()));
        ArrayNode targets = root.putArray("targets");
        c.targets().forEach(targets::add);
        root.put("messages", c.messages());
        root.put("batchSize", c.batchSize());
        root.put("repeat", c.repeat());
        root.put("warmup", c.warmup());
        root.put("rate", c.rate());
        root.put("latencyDuration", c.latencyDuration().toString());
        root.put("latencyWarmup", c.latencyWarmup().toString());
        root.put("heapMessages", c.heapMessages());
        root.put("heapSampleInterval", c.heapSampleInterval().toString());
        root.put("maxInFlight", c.maxInFlight());
        root.put("baseline", c.baseline());
        root.put("timeout", c.timeout().toString());
        write(root, file);
    }

    static BenchConfig readConfig(Path file) {
        JsonNode root = read(file);
        JsonNode b = root.get("broker");
        BrokerConfig.Builder broker = BrokerConfig.builder(b.get("url").asText());
        if (b.has("username")) {
            broker.username(b.get("username").asText());
        }
        if (b.has("password")) {
            broker.password(b.get("password").asText());
        }
        b.get("options").properties().forEach(e -> broker.option(e.getKey(), e.getValue().asText()));
        List<Integer> sizes = new ArrayList<>();
        root.get("payloadSizes").forEach(n -> sizes.add(n.asInt()));
        List<Scenario> scenarios = new ArrayList<>();
        root.get("scenarios").forEach(n -> scenarios.add(Scenario.fromId(n.asText())));
        List<String> targets = new ArrayList<>();
        root.get("targets").forEach(n -> targets.add(n.asText()));
        return BenchConfig.builder(broker.build())
                .payloadSizes(sizes)
                .scenarios(scenarios)
                .targets(targets)
                .messages(root.get("messages").asInt())
                .batchSize(root.get("batchSize").asInt())
                .repeat(root.get("repeat").asInt())
                .warmup(root.get("warmup").asBoolean())
                .rate(root.get("rate").asInt())
                .latencyDuration(Duration.parse(root.get("latencyDuration").asText()))
                .latencyWarmup(Duration.parse(root.get("latencyWarmup").asText()))
                .heapMessages(root.get("heapMessages").asInt())
                .heapSampleInterval(Duration.parse(root.get("heapSampleInterval").asText()))
                .maxInFlight(root.get("maxInFlight").asInt())
                .baseline(root.get("baseline").asBoolean())
                .timeout(Duration.parse(root.get("timeout").asText()))
                .build();
    }

    static void writeRows(List<Row> rows, Path file) {
        ArrayNode out = JSON.createArrayNode();
        for (Row r : rows) {
            ObjectNode row = out.addObject();
            row.put("scenario", r.scenario().id());
            row.put("payloadBytes", r.payloadBytes());
            row.put("metric", r.metric());
            row.put("unit", r.unit());
            row.put("higherIsBetter", r.higherIsBetter());
            ObjectNode figures = row.putObject("figures");
            r.figures().forEach((label, f) -> figures.put(label, f.median()));
        }
        write(out, file);
    }

    /** The rows a fork wrote: each target's figure is the median of the fork's runs. */
    static List<Row> readRows(Path file) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode row : read(file)) {
            Map<String, Figure> figures = new LinkedHashMap<>();
            row.get("figures").properties().forEach(e -> figures.put(e.getKey(),
                    Figure.of(e.getValue().asDouble())));
            rows.add(new Row(Scenario.fromId(row.get("scenario").asText()), row.get("payloadBytes").asInt(),
                    row.get("metric").asText(), row.get("unit").asText(), row.get("higherIsBetter").asBoolean(),
                    figures));
        }
        return rows;
    }

    private static void write(JsonNode node, Path file) {
        try {
            JSON.writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

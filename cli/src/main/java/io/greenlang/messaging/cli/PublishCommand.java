package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code glm publish}: each argument, or each non-blank line of a file or of standard input, is one message. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {
            "Publishes messages: each argument, or each line of a file or of standard input.",
            "Publishes messages to a topic: each PAYLOAD argument, or each non-blank line of --file (- for standard "
                    + "input), is one message. Prints how many were published.",
            "A payload that is valid JSON is encoded with the broker's codec (--codec) and its content type; any "
                    + "other is sent as text/plain. --content-type sends the bytes unchanged with that type."
        })
final class PublishCommand extends BaseCommand {
    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic to publish to.")
    String topic;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY", description = "Partition key: orders messages per key.")
    String key;

    @Option(names = {"-p", "--priority"}, paramLabel = "0-9", description = "Priority, 0 (lowest) to 9 (default 4).")
    Integer priority;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE", description = "Header, repeatable.")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--ttl", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Time to live, such as 30s, 5m or PT1H.")
    Duration ttl;

    @Option(names = "--content-type", paramLabel = "TYPE",
            description = "Send payloads as they are, with this content type (default: JSON via the codec, or "
                    + "text/plain).")
    String contentType;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Publish each non-blank line of FILE; - reads "
            + "standard input.")
    String file;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "100",
            description = "Messages per publish call when reading a file or standard input (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Parameters(paramLabel = "PAYLOAD", arity = "0..*", description = "Payloads; a single - reads standard input.")
    List<String> payloads = new ArrayList<>();

    @Override
    protected int execute() {
        validTopic(topic);
        if (priority != null && (priority < Message.MIN_PRIORITY || priority > Message.MAX_PRIORITY)) {
            throw usage("--priority must be from 0 to 9, was " + priority);
        }
        if (batchSize < 1) {
            throw usage("--batch-size must be at least 1, was " + batchSize);
        }
        if (file != null && !payloads.isEmpty()) {
            throw usage("give payloads as arguments or with --file, not both");
        }
        headers.forEach((name, value) -> {
            if (name.isBlank()) {
                throw usage("--header needs NAME=VALUE with a name before the '=', was '" + name + "=" + value + "'");
            }
        });
        boolean stdin = "-".equals(file) || payloads.equals(List.of("-"));
        if (file == null && payloads.isEmpty()) {
            throw usage("nothing to publish: give payloads as arguments, --file FILE, or - to read standard input");
        }
        try (Broker broker = connectForData()) {
            long published;
            if (stdin) {
                published = publishLines(broker, new BufferedReader(new InputStreamReader(stdin(), StandardCharsets.UTF_8)));
            } else if (file != null) {
                try (BufferedReader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                    published = publishLines(broker, reader);
                } catch (NoSuchFileException e) {
                    throw new UncheckedIOException("File not found: " + file, e);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
                }
            } else {
                List<Message> messages = new ArrayList<>();
                for (String p : payloads) {
                    messages.add(message(broker, p));
                }
                broker.publishAll(messages);
                published = messages.size();
            }
            out().println("Published " + published + (published == 1 ? " message" : " messages") + " to " + topic + ".");
            out().flush();
            return 0;
        }
    }

    private long publishLines(Broker broker, BufferedReader reader) {
        long published = 0;
        List<Message> batch = new ArrayList<>(batchSize);
        try (Progress progress = progress("publish")) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                batch.add(message(broker, line));
                if (batch.size() == batchSize) {
                    published += broker.publishAll(batch).size();
                    batch = new ArrayList<>(batchSize);
                    progress.update(published + " messages published to " + topic);
                }
            }
            if (!batch.isEmpty()) {
                published += broker.publishAll(batch).size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the input: " + e.getMessage(), e);
        }
        return published;
    }

    private Message message(Broker broker, String text) {
        Message.Builder b = Message.builder(topic);
        if (contentType != null) {
            b.payload(text.getBytes(StandardCharsets.UTF_8)).contentType(contentType);
        } else {
            Object json = Json.parseOrNull(text);
            if (json != null) {
                b.body(json, broker.codec());
            } else {
                b.text(text);
            }
        }
        if (key != null) {
            b.key(key);
        }
        if (priority != null) {
            b.priority(priority);
        }
        b.headers(headers);
        if (ttl != null) {
            b.ttl(ttl);
        }
        return b.build();
    }
}

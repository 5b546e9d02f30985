package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.DeadLetter;
import io.greenlang.messaging.DeadLetterQueue;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code glm dlq list|replay|purge}: the dead-letter queue of one topic and group. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Lists, replays or purges the dead-letter queue of a topic and group.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.ReplayCommand.class, DlqCommand.PurgeCommand.class})
final class DlqCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: list, replay or purge");
    }

    /** The options of every dlq subcommand. */
    abstract static class QueueCommand extends BaseCommand {
        @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic.")
        String topic;

        @Option(names = {"-g", "--group"}, required = true, paramLabel = "GROUP", description = "Group the messages failed in.")
        String group;

        @Override
        protected final int execute() {
            validTopic(topic);
            validGroup(group);
            try (Broker broker = connectForData()) {
                return run(broker.deadLetters(topic, group));
            }
        }

        abstract int run(DeadLetterQueue dlq);

        String where() {
            return topic + "/" + group;
        }
    }

    /** {@code glm dlq list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Prints dead letters, oldest first, one JSON line each: id, reason, attempts, "
            + "group, firstFailure, lastFailure, exceptionClass, exceptionMessage, message.")
    static final class ListCommand extends QueueCommand {
        @Option(names = {"-n", "--max"}, paramLabel = "N", defaultValue = "100",
                description = "Print at most N (default ${DEFAULT-VALUE}).")
        int max;

        @Override
        int run(DeadLetterQueue dlq) {
            if (max < 1) {
                throw usage("--max must be at least 1, was " + max);
            }
            long total = dlq.count();
            List<DeadLetter> letters = dlq.list(max);
            for (DeadLetter d : letters) {
                out().println(Json.write(Json.deadLetter(d)));
            }
            if (out().checkError()) { // flushes; true once the reader went away
                err().println("glm: standard output was closed before every dead letter was listed.");
                err().flush();
                return Main.ERROR;
            }
            err().println(letters.size() + " of " + total + " dead letters in " + where() + ".");
            err().flush();
            return 0;
        }
    }

    /** {@code glm dlq replay}. */
    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Sends dead letters back to the group they failed in, as fresh deliveries: "
            + "the one with --id, or up to --max of them, oldest first.")
    static final class ReplayCommand extends QueueCommand {
        @Option(names = "--id", paramLabel = "ID", description = "Replay only this dead letter (its id from 'dlq list').")
        String id;

        @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Replay at most N (default: all).")
        Integer max;

        @Override
        int run(DeadLetterQueue dlq) {
            if (id != null && max != null) {
                throw usage("give --id or --max, not both");
            }
            if (max != null && max < 1) {
                throw usage("--max must be at least 1, was " + max);
            }
            if (id != null) {
                if (!dlq.replay(id)) {
                    throw new IllegalArgumentException("No dead letter with id '" + id + "' in " + where()
                            + ". List them with: glm dlq list --topic " + topic + " --group " + group);
                }
                out().println("Replayed 1 dead letter to " + where() + ".");
            } else {
                long limit = max != null ? max : dlq.count();
                int replayed = limit == 0 ? 0 : dlq.replay((int) Math.min(limit, Integer.MAX_VALUE));
                out().println("Replayed " + replayed + (replayed == 1 ? " dead letter" : " dead letters") + " to "
                        + where() + ".");
            }
            out().flush();
            return 0;
        }
    }

    /** {@code glm dlq purge}. */
    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Removes every dead letter of the topic and group.")
    static final class PurgeCommand extends QueueCommand {
        @Override
        int run(DeadLetterQueue dlq) {
            long purged = dlq.purge();
            out().println("Purged " + purged + (purged == 1 ? " dead letter" : " dead letters") + " from " + where() + ".");
            out().flush();
            return 0;
        }
    }
}

package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.ConsumerLag;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glm lag}: how far a group is behind on a topic. */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {
            "Prints how far a group is behind on a topic.",
            "Backlog: not yet handed to any member, retries waiting included; pending: handed out, not yet "
                    + "acknowledged; and their total. Exit code 1 when the group does not exist (no member joined it)."
        })
final class LagCommand extends BaseCommand {
    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic.")
    String topic;

    @Option(names = {"-g", "--group"}, required = true, paramLabel = "GROUP", description = "Group.")
    String group;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    protected int execute() {
        validTopic(topic);
        validGroup(group);
        try (Broker broker = connectForData()) {
            ConsumerLag lag = broker.lag(topic, group);
            if (json) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("topic", lag.topic());
                fields.put("group", lag.group());
                fields.put("groupExists", lag.groupExists());
                fields.put("backlog", lag.backlog());
                fields.put("pending", lag.pending());
                fields.put("total", lag.total());
                out().println(Json.object(fields));
            } else if (lag.groupExists()) {
                out().println(lag.topic() + "/" + lag.group() + ": backlog " + lag.backlog() + ", pending "
                        + lag.pending() + ", total " + lag.total());
            }
            out().flush();
            if (!lag.groupExists()) {
                err().println("glm: group " + group + " does not exist on topic " + topic + ": no member has joined "
                        + "it. Check the names, or start a member: glm consume -t " + topic + " -g " + group);
                err().flush();
                return Main.ERROR;
            }
            out().flush();
            return 0;
        }
    }
}

package io.greenlang.messaging.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("errors are one line on standard error with a non-zero exit code")
class ErrorsTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"health", "publish", "consume", "lag", "dlq list", "demo", "bench"})
    @DisplayName("a URL without a scheme: exit code 1, one line, no stack trace")
    void badUrl(String command) {
        Cli.Result r = Cli.run(args(command, "--url", "nonsense"));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("glm: Broker URL 'nonsense' has no scheme. Write it as scheme://host:port, "
                + "for example memory://, redis://localhost:6379 or kafka://localhost:9092.");
    }

    @Test
    @DisplayName("an unknown scheme: the message lists the installed schemes once, every backend being bundled")
    void unknownScheme() {
        Cli.Result r = Cli.run("health", "--url", "foo://x");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("glm: No backend handles scheme 'foo' of foo://x. Installed: "
                + "kafka, memory, redis, redis-cluster, redis-sentinel, rediss, rediss-sentinel.");
    }

    @Test
    @DisplayName("an unknown broker option: exit code 1, one line with the closest option")
    void unknownBrokerOption() {
        Cli.Result r = Cli.run("health", "--option", "max-mesage-size=2MiB");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("glm: Unknown option 'max-mesage-size' for memory://: did you mean 'max-message-size'?");
    }

    @Test
    @DisplayName("health of an unreachable server: DOWN with the reason, in one sentence, exit code 1")
    void unreachableServer() throws Exception {
        int port = freePort();

        Cli.Result r = Cli.run("health", "--url", "redis://127.0.0.1:" + port);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        String reason = "Cannot connect to Redis at 127.0.0.1:" + port + ": Connection refused. Check that the server "
                + "runs, that host and port are right.";
        assertThat(r.outLines()).containsExactly("DOWN redis://127.0.0.1:" + port + ", error=" + reason);
        assertThat(r.errLines()).containsExactly("glm: broker redis://127.0.0.1:" + port + " is DOWN: " + reason);
    }

    @Test
    @DisplayName("health --json of an unreachable server: one JSON object saying DOWN")
    void unreachableServerAsJson() throws Exception {
        int port = freePort();

        Cli.Result r = Cli.run("health", "--json", "--url", "redis://127.0.0.1:" + port);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.outLines()).singleElement().asString()
                .startsWith("{\"broker\":\"redis://127.0.0.1:" + port + "\",\"status\":\"DOWN\",\"details\":{\"error\":"
                        + "\"Cannot connect to Redis at 127.0.0.1:" + port + ": Connection refused.");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort(); // free once closed: nothing listens there
        }
    }

    @Test
    @DisplayName("--verbose adds the stack trace")
    void verbose() {
        Cli.Result r = Cli.run("health", "--url", "foo://x", "--verbose");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines().get(0)).startsWith("glm: No backend handles scheme 'foo'");
        assertThat(r.err()).contains("io.greenlang.messaging.ConfigurationException").contains("\tat ");
    }

    @Test
    @DisplayName("passwords never appear in errors")
    void passwordsAreNotPrinted() {
        Cli.Result r = Cli.run("health", "--url", "foo://app:s3cret@host:1", "--password", "hunter2", "--verbose");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("s3cret").doesNotContain("hunter2");
    }

    @Test
    @DisplayName("a missing required option: exit code 2 and one line pointing to --help")
    void missingOption() {
        Cli.Result r = Cli.run("publish", "hello");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly(
                "glm: Missing required option: '--topic=TOPIC' (see 'glm publish --help')");
    }

    @Test
    @DisplayName("an unknown option or command: exit code 2, one line")
    void unknownOptionOrCommand() {
        Cli.Result option = Cli.run("lag", "-t", "t", "-g", "g", "--frobnicate");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.errLines()).containsExactly("glm: Unknown option: '--frobnicate' (see 'glm lag --help')");

        Cli.Result command = Cli.run("frobnicate");
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.errLines()).containsExactly("glm: Unmatched argument at index 0: 'frobnicate' (see 'glm --help')");
    }

    @Test
    @DisplayName("a bad --codec, a bad --option and a bad topic name are reported in one line")
    void badValues() {
        Cli.Result codec = Cli.run("health", "--codec", "xml");
        assertThat(codec.exitCode()).isEqualTo(2);
        assertThat(codec.errLines()).containsExactly(
                "glm: Invalid value for option '--codec': 'xml'; expected json or msgpack (see 'glm health --help')");

        Cli.Result option = Cli.run("health", "--option", "max-message-size=huge");
        assertThat(option.exitCode()).isEqualTo(1);
        assertThat(option.errLines()).containsExactly("glm: Option 'max-message-size' of memory:// is 'huge'; expected "
                + "a positive size such as 1048576, 512KiB or 1MiB.");

        Cli.Result topic = Cli.run("publish", "-t", "bad topic", "x");
        assertThat(topic.exitCode()).isEqualTo(2);
        assertThat(topic.errLines()).containsExactly("glm: Invalid topic name 'bad topic': character ' ' at index 3 "
                + "is not allowed. Use 1 to 249 characters from [A-Za-z0-9._-]. (see 'glm publish --help')");

        Cli.Result group = Cli.run("lag", "-t", "t", "-g", "a/b");
        assertThat(group.exitCode()).isEqualTo(2);
        assertThat(group.err()).startsWith("glm: Invalid group name 'a/b'");
    }

    @Test
    @DisplayName("a header without a name, or without '=': exit code 2, one clear sentence")
    void badHeaders() {
        Cli.Result blank = Cli.run("publish", "-t", "t", "-H", "=v", "x");
        assertThat(blank.exitCode()).isEqualTo(2);
        assertThat(blank.errLines()).containsExactly("glm: --header needs NAME=VALUE with a name before the '=', was "
                + "'=v' (see 'glm publish --help')");

        Cli.Result noEquals = Cli.run("publish", "-t", "t", "-H", "v", "x");
        assertThat(noEquals.exitCode()).isEqualTo(2);
        assertThat(noEquals.err()).startsWith("glm: Value for option '--header'").doesNotContain("option option");
    }

    @Test
    @DisplayName("without a command: the usage and exit code 2")
    void noCommand() {
        Cli.Result r = Cli.run();

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: glm").contains("demo").contains("bench")
                .endsWith("glm: a command is needed, such as: glm demo" + System.lineSeparator());
    }

    @Test
    @DisplayName("--help and --version print to standard output with exit code 0")
    void helpAndVersion() {
        Cli.Result help = Cli.run("publish", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: glm publish").contains("--url=URL").contains("--password");

        Cli.Result version = Cli.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("glm (GreenLang Messaging) 0.1.0");
    }

    private static String[] args(String command, String... more) {
        String[] head = command.split(" ");
        String[] all = new String[head.length + more.length + (command.startsWith("publish") ? 3
                : command.startsWith("consume") || command.startsWith("lag") || command.startsWith("dlq") ? 4 : 0)];
        int i = 0;
        for (String h : head) {
            all[i++] = h;
        }
        for (String m : more) {
            all[i++] = m;
        }
        if (command.startsWith("publish")) {
            all[i++] = "-t";
            all[i++] = "t";
            all[i] = "payload";
        } else if (all.length > i) {
            all[i++] = "-t";
            all[i++] = "t";
            all[i++] = "-g";
            all[i] = "g";
        }
        return all;
    }
}

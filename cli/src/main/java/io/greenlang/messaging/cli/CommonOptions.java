package io.greenlang.messaging.cli;

import io.greenlang.messaging.Broker;
import io.greenlang.messaging.BrokerConfig;
import io.greenlang.messaging.Brokers;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every command takes: where the broker is, how to talk to it, and how much to say. */
final class CommonOptions {
    static final String ENV_USERNAME = BrokerConfig.ENV_PREFIX + "USERNAME";
    static final String ENV_PASSWORD = BrokerConfig.ENV_PREFIX + "PASSWORD";
    /** What picocli puts in {@link #password} for a {@code --password} without a value: ask for it. */
    private static final String ASK = "\u0000ask";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:GREENLANG_MESSAGING_URL:-memory://}",
            description = "Broker URL: memory://, memory://NAME, redis://host:6379, kafka://host:9092 "
                    + "(default: $GREENLANG_MESSAGING_URL, else memory://). memory:// lives in this process only.")
    String url;

    @Option(names = "--codec", paramLabel = "json|msgpack",
            description = "Codec for structured payloads (default: json, or the URL's codec option).")
    String codec;

    @Option(names = "--user", paramLabel = "NAME",
            description = "User name (default: $" + ENV_USERNAME + ").")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", fallbackValue = ASK,
            description = "Password; asks for it when given without a value, on the terminal or, without one, on "
                    + "standard error, reading a line of standard input (default: $" + ENV_PASSWORD + "). "
                    + "Never printed.")
    String password;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "Broker option, repeatable, e.g. --option max-message-size=512KiB.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Log more, and print stack traces of errors.")
    boolean verbose;

    /**
     * The configuration the options describe.
     *
     * @throws io.greenlang.messaging.ConfigurationException if the URL or an option is invalid
     */
    BrokerConfig config() {
        BrokerConfig.Builder b = BrokerConfig.builder(url.trim());
        b.options(options);
        if (codec != null) {
            String c = codec.trim().toLowerCase(Locale.ROOT);
            if (!c.equals("json") && !c.equals("msgpack")) {
                throw new ParameterException(mixee.commandLine(),
                        "Invalid value for option '--codec': '" + codec + "'; expected json or msgpack");
            }
            b.option(BrokerConfig.CODEC, c);
        }
        String u = user != null ? user : System.getenv(ENV_USERNAME);
        if (u != null && !u.isEmpty()) {
            b.username(u);
        }
        String p = ASK.equals(password) ? askPassword()
                : password != null ? password : System.getenv(ENV_PASSWORD);
        if (p != null && !p.isEmpty()) {
            b.password(p);
        }
        return b.build();
    }

    /**
     * Asks for the password: on the terminal without echo, or, when there is none (standard input or output
     * redirected), with a prompt on standard error and one line of standard input, read byte by byte so that
     * nothing after it is taken from a command that reads standard input too. Never on standard output, which
     * may be JSON for a program.
     */
    private String askPassword() {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            return typed == null ? "" : new String(typed);
        }
        PrintWriter err = mixee.commandLine().getErr();
        err.print("Password: ");
        err.flush();
        Object root = mixee.root().userObject();
        InputStream in = root instanceof Main ? ((Main) root).stdin() : System.in;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.write(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the password from standard input: " + e.getMessage(), e);
        }
        return line.toString(StandardCharsets.UTF_8).strip();
    }

    /** Connects to the broker; the caller closes it. */
    Broker connect() {
        return Brokers.connect(config());
    }
}

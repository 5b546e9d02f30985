package io.greenlang.messaging.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code glm}: the entry point. {@link #main} configures logging, builds the command line with
 * {@link #commandLine(Main)} and exits with its code: 0 on success, 1 on an error, 2 on a usage error.
 */
@Command(name = "glm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "GreenLang Messaging command-line tool: run the agent demo, publish and consume messages, inspect "
                    + "dead letters, lag and health, and benchmark a backend.",
            "Every command takes --url (default memory://, or GREENLANG_MESSAGING_URL), so it runs with no server."
        },
        subcommands = {
            DemoCommand.class,
            PublishCommand.class,
            ConsumeCommand.class,
            DlqCommand.class,
            LagCommand.class,
            HealthCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'glm COMMAND --help' for a command's options. Start with: glm demo"})
public final class Main implements Callable<Integer> {
    /** Exit code of a command that failed. */
    public static final int ERROR = 1;
    /** Exit code of a command line that could not be parsed or had bad arguments. */
    public static final int USAGE = 2;

    private final InputStream stdin;

    @Spec
    CommandSpec spec;

    /** A command reading standard input from {@link System#in}. */
    public Main() {
        this(System.in);
    }

    /** A command reading "standard input" (for {@code publish -}) from {@code stdin}; for tests and embedding. */
    public Main(InputStream stdin) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
    }

    InputStream stdin() {
        return stdin;
    }

    /** Without a command: the usage, on standard error, and exit code 2. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        err.println("glm: a command is needed, such as: glm demo");
        err.flush();
        return USAGE;
    }

    /** Runs {@code glm} and exits. */
    public static void main(String[] args) {
        Logging.configure(args);
        CommandLine cl = commandLine(new Main());
        cl.setOut(standardOutput());
        System.exit(cl.execute(args));
    }

    /**
     * Standard output as UTF-8 (JSON's encoding, whatever the locale) over the file descriptor itself, not over
     * {@link System#out}: a {@link java.io.PrintStream} swallows write errors, so a writer on top of it could never
     * tell that the reader of a pipe went away ({@link PrintWriter#checkError()} would stay false).
     */
    private static PrintWriter standardOutput() {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8)), true);
    }

    /**
     * The command line for {@code main}, with {@code glm}'s error handling: parse errors and bad arguments are
     * one line on standard error ({@code glm: ...}) and exit code 2; failures are one line and exit code 1;
     * {@code --verbose} adds the stack trace. Tests call this and set their own output writers.
     */
    public static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setParameterExceptionHandler(Errors::handleParseException);
        cl.setExecutionExceptionHandler(Errors::handleExecutionException);
        return cl;
    }

    /** The version, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/io/greenlang/messaging/cli/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"glm (GreenLang Messaging) " + p.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}

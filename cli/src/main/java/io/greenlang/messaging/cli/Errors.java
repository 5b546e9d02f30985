package io.greenlang.messaging.cli;

import io.greenlang.messaging.MessagingException;
import io.greenlang.messaging.benchmarks.BenchmarkException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns failures into one line on standard error and an exit code; the stack trace only with --verbose. */
final class Errors {
    private Errors() {
    }

    /** Parse errors and bad arguments: {@code glm: <message> (see 'glm cmd --help')}, exit code 2. */
    static int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        // picocli says "Value for option option '--header' ..." for a map option without '='
        String text = oneLine(ex.getMessage()).replace("option option '", "option '");
        err.println("glm: " + text + " (see '" + cmd.getCommandSpec().qualifiedName()
                + " --help')");
        if (verbose(args)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return Main.USAGE;
    }

    /** Failures that escaped a command: one line, exit code 1. */
    static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        return report(cmd.getErr(), ex, verbose(parseResult.originalArgs().toArray(new String[0])));
    }

    /** Prints {@code glm: <message>} (and the stack trace when {@code verbose}) and returns exit code 1. */
    static int report(PrintWriter err, Throwable failure, boolean verbose) {
        Throwable t = unwrap(failure);
        err.println("glm: " + message(t) + (verbose || expected(t) ? "" : " (run with --verbose for details)"));
        if (verbose) {
            t.printStackTrace(err);
        }
        err.flush();
        return Main.ERROR;
    }

    static String message(Throwable t) {
        String text = t.getMessage();
        if (expected(t) && text != null && !text.isBlank()) {
            return oneLine(text);
        }
        return t.getClass().getName() + (text == null || text.isBlank() ? "" : ": " + oneLine(text));
    }

    /** Failures whose message says it all: the library's, bad arguments, benchmark and I/O errors. */
    private static boolean expected(Throwable t) {
        return t instanceof MessagingException || t instanceof IllegalArgumentException
                || t instanceof BenchmarkException || t instanceof UncheckedIOException;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static boolean verbose(String[] args) {
        return Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    }
}

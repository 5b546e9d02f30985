package io.greenlang.messaging.tck.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Proves that a secret appears in no log at any level: runs {@link TraceLogProbe} against a broker URL in a child
 * JVM (the test's own class path) where every logger of every library is at TRACE, then asserts that neither the
 * captured log nor the child's output holds the secret, and that the capture did see TRACE lines of the given
 * logger prefix (so the check cannot pass on a silent log).
 */
public final class TraceLogCheck {
    private TraceLogCheck() {
    }

    /**
     * @param url the broker URL, with its secrets
     * @param secrets strings that must appear nowhere
     * @param tracingPrefix a logger-name prefix that must have logged at TRACE, e.g. {@code io.lettuce}
     * @return the captured log, for further checks
     */
    public static String assertNoSecretAtTrace(String url, List<String> secrets, String tracingPrefix,
            Duration timeout) {
        String captured = run(url, secrets, timeout);
        for (String secret : secrets) {
            assertThat(secret).isNotBlank();
            int at = captured.indexOf(secret);
            assertThat(at).as("a secret appears in the log at TRACE: ...%s...",
                    at < 0 ? "" : captured.substring(Math.max(0, at - 200), at).replace(secret, "<SECRET>"))
                    .isEqualTo(-1);
        }
        long traced = captured.lines().filter(l -> l.startsWith("TRACE " + tracingPrefix)).count();
        assertThat(traced).as("TRACE lines from loggers named %s* (the check is vacuous without them)",
                tracingPrefix).isPositive();
        return captured;
    }

    /**
     * Runs the probe; returns its captured log followed by its standard output and error. A failure's message shows
     * the probe's output with {@code secrets} masked.
     */
    public static String run(String url, List<String> secrets, Duration timeout) {
        try {
            Path dir = Files.createTempDirectory("trace-log-check");
            Path log = dir.resolve("captured.log");
            Path output = dir.resolve("output.txt");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-Dslf4j.provider=" + CapturingLogProvider.class.getName());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(TraceLogProbe.class.getName());
            command.add(url);
            command.add(log.toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the trace-log probe did not finish within " + timeout + "; output:\n"
                        + masked(read(output), secrets));
            }
            String out = read(output);
            assertThat(p.exitValue()).as("exit status of the trace-log probe; its output:\n%s\nlog tail:\n%s",
                    masked(out, secrets), masked(tail(read(log)), secrets)).isZero();
            String captured = read(log) + "\n" + out;
            deleteQuietly(dir);
            return captured;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the trace-log probe ran", e);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private static String masked(String text, List<String> secrets) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "<SECRET>");
        }
        return out;
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }

    private static void deleteQuietly(Path dir) {
        File[] files = dir.toFile().listFiles();
        if (files != null) {
            for (File f : files) {
                f.delete();
            }
        }
        dir.toFile().delete();
    }
}

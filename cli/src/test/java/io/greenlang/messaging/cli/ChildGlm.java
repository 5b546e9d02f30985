package io.greenlang.messaging.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code glm} as its own process ({@link Main#main}, with its logging set-up and real standard streams), on the
 * test's class path: for what only a real process shows, such as a closed pipe or what the libraries log.
 */
final class ChildGlm {
    private ChildGlm() {
    }

    static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }
}

package io.greenlang.messaging.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's documentation: README.md and docs/*.md at the root of the repository. The root is found by
 * walking up from this module's compiled test classes (and, failing that, from the working directory) to the
 * directory whose pom.xml is the parent pom, so the tests work whatever directory Maven was started from.
 */
final class DocFiles {
    private static final String PARENT_ARTIFACT = "<artifactId>greenlang-messaging-parent</artifactId>";

    private DocFiles() {
    }

    private static Path root;

    /** The repository's root directory. */
    static synchronized Path root() {
        if (root == null) {
            root = findRoot();
        }
        return root;
    }

    private static Path findRoot() {
        List<Path> starts = new ArrayList<>();
        CodeSource classes = DocFiles.class.getProtectionDomain().getCodeSource();
        if (classes != null) {
            try {
                starts.add(Path.of(classes.getLocation().toURI()));
            } catch (URISyntaxException e) {
                // not a file location: the working directory below still works
            }
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (isRoot(dir)) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("No repository root (a directory with README.md and the parent pom.xml) above "
                + starts);
    }

    private static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        return Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(pom) && read(pom).contains(PARENT_ARTIFACT);
    }

    /** README.md and every docs/*.md, in a stable order. */
    static List<Path> markdownFiles() {
        Path root = root();
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> list = Files.list(docs)) {
                list.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** The file's path relative to the root, with forward slashes, for messages. */
    static String display(Path file) {
        return root().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

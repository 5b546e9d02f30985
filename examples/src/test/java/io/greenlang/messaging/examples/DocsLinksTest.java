package io.greenlang.messaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every relative link in README.md and docs/*.md leads somewhere: the file or directory exists inside the
 * repository, and an anchor ({@code #section}, alone or after a Markdown file) is one of the anchors GitHub
 * gives that file's headings ({@link GithubAnchors}). Links with a scheme ({@code https:}, {@code mailto:}) are
 * not followed. Inline links, images and reference definitions count; code blocks and code spans do not. A
 * failure lists each broken link with its file and line.
 */
class DocsLinksTest {
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void theDocsFolderHasPages() {
        assertThat(DocFiles.markdownFiles()).as("README.md and docs/*.md").hasSizeGreaterThan(1);
    }

    @TestFactory
    Stream<DynamicTest> everyRelativeLinkResolves() {
        return DocFiles.markdownFiles().stream()
                .map(MarkdownFile::read)
                .map(file -> DynamicTest.dynamicTest(file.display(), () -> checkLinks(file)));
    }

    private void checkLinks(MarkdownFile file) {
        List<String> broken = new ArrayList<>();
        for (MarkdownFile.Line line : file.proseLines()) {
            String text = CODE_SPAN.matcher(line.text()).replaceAll("");
            List<String> targets = new ArrayList<>();
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                targets.add(inline.group(1));
            }
            Matcher reference = REFERENCE.matcher(text);
            if (reference.matches()) {
                targets.add(reference.group(1));
            }
            for (String target : targets) {
                String problem = problem(file, target);
                if (problem != null) {
                    broken.add(file.display() + ":" + line.number() + ": (" + target + ") " + problem);
                }
            }
        }
        if (!broken.isEmpty()) {
            throw new AssertionError(broken.size() + " broken link(s) in " + file.display() + ":\n"
                    + String.join("\n", broken));
        }
    }

    /** What is wrong with a link target, or {@code null} if it resolves (or is not relative). */
    private String problem(MarkdownFile file, String target) {
        if (target.isEmpty()) {
            return "empty link";
        }
        if (SCHEME.matcher(target).matches()) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path root = DocFiles.root();
        Path resolved = path.isEmpty() ? file.path()
                : (path.startsWith("/") ? root.resolve(path.substring(1)) : file.path().getParent().resolve(path));
        resolved = resolved.toAbsolutePath().normalize();
        if (!resolved.startsWith(root)) {
            return "points outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file or directory: " + DocFiles.display(resolved);
        }
        if (anchor == null || !resolved.getFileName().toString().endsWith(".md")) {
            return null;
        }
        Set<String> known = anchors.computeIfAbsent(resolved, p -> GithubAnchors.of(MarkdownFile.read(p)));
        return known.contains(anchor) ? null
                : "no heading with anchor #" + anchor + " in " + DocFiles.display(resolved) + "; its anchors: " + known;
    }
}

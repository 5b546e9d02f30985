package io.greenlang.messaging.examples;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anchors GitHub gives a Markdown file's headings: the heading's text with links reduced to their text,
 * lower-cased, every character that is not a letter, digit, mark, {@code _}, {@code -} or space removed (so code
 * marks and {@code *} emphasis go), spaces turned into {@code -}; a repeated anchor gets {@code -1}, {@code -2},
 * ... Only ATX headings ({@code # Title}) outside code blocks count; {@code _emphasis_} in a heading is not
 * understood (GitHub drops those underscores, this keeps them).
 */
final class GithubAnchors {
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)]\\([^)]*\\)");
    private static final Pattern REMOVED = Pattern.compile("[^\\p{L}\\p{N}\\p{M}_\\- ]");

    private GithubAnchors() {
    }

    static Set<String> of(MarkdownFile file) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (MarkdownFile.Line line : file.proseLines()) {
            Matcher heading = HEADING.matcher(line.text());
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
        }
        return anchors;
    }

    static String slug(String headingText) {
        String text = LINK.matcher(headingText).replaceAll("$1").toLowerCase(Locale.ROOT);
        return REMOVED.matcher(text).replaceAll("").replace(' ', '-');
    }
}

package io.greenlang.messaging.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Markdown file split into its fenced code blocks and the lines outside them (prose, headings, tables), each
 * with its line number, so that a check can name the line it fails on.
 */
final class MarkdownFile {
    /** A fenced block: its language (the info string's first word, "" if none) and its lines. */
    record CodeBlock(MarkdownFile file, int firstLine, String language, List<String> lines) {
        /** Where the block's code starts, as {@code docs/x.md:12}. */
        String location() {
            return file.display() + ":" + firstLine;
        }
    }

    /** A line outside every fenced block. */
    record Line(int number, String text) {
    }

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})\\s*([^\\s`]*).*$");

    private final Path path;
    private final String display;
    private final List<CodeBlock> codeBlocks = new ArrayList<>();
    private final List<Line> proseLines = new ArrayList<>();

    private MarkdownFile(Path path) {
        this.path = path;
        this.display = DocFiles.display(path);
    }

    static MarkdownFile read(Path path) {
        MarkdownFile file = new MarkdownFile(path);
        List<String> lines = DocFiles.lines(path);
        int i = 0;
        while (i < lines.size()) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                file.proseLines.add(new Line(i + 1, lines.get(i)));
                i++;
                continue;
            }
            String fence = open.group(1);
            int start = i + 1;
            int close = start;
            while (close < lines.size() && !closes(lines.get(close), fence)) {
                close++;
            }
            if (close == lines.size()) {
                throw new IllegalStateException(file.display + ":" + (i + 1) + ": code fence " + fence + " is never closed");
            }
            file.codeBlocks.add(new CodeBlock(file, start + 1, open.group(2).toLowerCase(Locale.ROOT),
                    List.copyOf(lines.subList(start, close))));
            i = close + 1;
        }
        return file;
    }

    private static boolean closes(String line, String fence) {
        String trimmed = line.strip();
        return trimmed.length() >= fence.length() && trimmed.chars().allMatch(c -> c == fence.charAt(0))
                && line.indexOf(fence.charAt(0)) <= 3;
    }

    Path path() {
        return path;
    }

    /** The path relative to the repository's root, as messages show it. */
    String display() {
        return display;
    }

    List<CodeBlock> codeBlocks() {
        return codeBlocks;
    }

    List<Line> proseLines() {
        return proseLines;
    }
}

package io.greenlang.messaging.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code ```java} block of the documentation as a Java source file, following the convention that
 * docs/testing.md describes:
 *
 * <ul>
 *   <li>A block whose unindented lines are all {@code package} or {@code import} declarations, annotations, type
 *       declarations ({@code class}, {@code record}, {@code interface}, {@code enum}, possibly after
 *       {@code public}, {@code final}, {@code abstract} or {@code sealed}), closing braces or comments is a
 *       complete source file, compiled as written: it carries its own imports.</li>
 *   <li>Any other block (one with a statement at the left margin) is a fragment: the body of a method
 *       {@code void fragment(Broker broker) throws Exception}, so it may use a {@code broker} it did not open, in
 *       a class that imports {@link #FRAGMENT_IMPORTS}. Import lines at the start of a fragment are moved above
 *       the class. Types a fragment needs it declares as local records.</li>
 * </ul>
 *
 * <p>Each line of the generated source knows the Markdown line it came from, so compiler errors point into the
 * documentation.
 */
final class JavaSnippet {
    /** What every fragment may use without importing it. */
    static final List<String> FRAGMENT_IMPORTS = List.of(
            "io.greenlang.messaging.*",
            "io.greenlang.messaging.patterns.*",
            "java.time.Duration",
            "java.util.*",
            "java.util.concurrent.*");

    private static final Pattern TOP_LEVEL_TYPE =
            Pattern.compile("^(?:(?:public|final|abstract|sealed)\\s+)*(?:class|record|interface|enum)\\s+(\\w+).*");
    private static final Pattern FILE_LEVEL_LINE = Pattern.compile("package\\s|import\\s|@|}|//|/\\*");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+[\\w.*\\s]+;\\s*$");

    private final String className;
    private final List<String> source = new ArrayList<>();
    private final List<Integer> markdownLines = new ArrayList<>();
    private final boolean fragment;

    private JavaSnippet(MarkdownFile.CodeBlock block, int index) {
        String declared = declaredType(block.lines());
        fragment = declared == null;
        if (fragment) {
            className = "Fragment" + index;
            wrap(block);
        } else {
            className = declared;
            for (int i = 0; i < block.lines().size(); i++) {
                add(block.lines().get(i), block.firstLine() + i);
            }
        }
    }

    /** The block as a source file; {@code index} makes the class names of fragments unique. */
    static JavaSnippet of(MarkdownFile.CodeBlock block, int index) {
        return new JavaSnippet(block, index);
    }

    /**
     * The name a complete source file must have: its public type's, else its first top-level type's; or
     * {@code null} for a fragment.
     */
    private static String declaredType(List<String> lines) {
        String first = null;
        String publicType = null;
        for (String line : lines) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            Matcher type = TOP_LEVEL_TYPE.matcher(line);
            if (type.matches()) {
                first = first == null ? type.group(1) : first;
                publicType = publicType == null && line.startsWith("public") ? type.group(1) : publicType;
            } else if (!FILE_LEVEL_LINE.matcher(line).lookingAt()) {
                return null;   // a statement at the left margin
            }
        }
        return publicType != null ? publicType : first;
    }

    private void wrap(MarkdownFile.CodeBlock block) {
        List<String> lines = block.lines();
        int body = 0;
        while (body < lines.size() && (IMPORT.matcher(lines.get(body)).matches() || lines.get(body).isBlank())) {
            add(lines.get(body), block.firstLine() + body);
            body++;
        }
        FRAGMENT_IMPORTS.forEach(name -> add("import " + name + ";", 0));
        add("class " + className + " {", 0);
        add("    void fragment(Broker broker) throws Exception {", 0);
        for (int i = body; i < lines.size(); i++) {
            add(lines.get(i), block.firstLine() + i);
        }
        add("    }", 0);
        add("}", 0);
    }

    private void add(String line, int markdownLine) {
        source.add(line);
        markdownLines.add(markdownLine);
    }

    String className() {
        return className;
    }

    boolean isFragment() {
        return fragment;
    }

    String source() {
        return String.join("\n", source) + "\n";
    }

    /** The Markdown line a generated line (from 1) came from, or 0 for a line the wrapper added. */
    int markdownLine(long sourceLine) {
        return sourceLine >= 1 && sourceLine <= markdownLines.size() ? markdownLines.get((int) sourceLine - 1) : 0;
    }
}

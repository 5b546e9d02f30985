package io.greenlang.messaging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles, as Java 17, against this module's test class
 * path (the API, the patterns, the backends, the kit, JUnit): the documentation's code cannot rot.
 *
 * <p>The convention (also in docs/testing.md, and in {@link JavaSnippet}): a block whose unindented lines are
 * only {@code package} and {@code import} declarations, annotations, type declarations, closing braces and comments
 * is a complete source file, compiled as written with its own imports. Any other block, one with a statement at the
 * left margin, is a fragment, compiled as the body of {@code void fragment(Broker broker) throws Exception} in a
 * class importing {@code io.greenlang.messaging.*}, {@code io.greenlang.messaging.patterns.*},
 * {@code java.time.Duration}, {@code java.util.*} and {@code java.util.concurrent.*}; import lines at the start of
 * a fragment are moved above that class. Code that is not meant to compile goes in a block marked {@code text},
 * not {@code java}.
 *
 * <p>Blocks compile with {@code -Xlint:all -Werror}, except the lints {@code try} (a resource a snippet opens
 * and never names is the point of many snippets), {@code path} and {@code processing} (both about the class
 * path, not the snippet). A failure names the Markdown file and line of each error.
 */
class DocsSnippetsTest {
    private static final List<String> OPTIONS_BEFORE_CLASS_PATH = List.of(
            "--release", "17", "-proc:none", "-Xlint:all,-try,-path,-processing", "-Werror", "-encoding", "UTF-8");

    private static JavaCompiler compiler;
    private static StandardJavaFileManager files;

    @TempDir
    static Path classes;

    @BeforeAll
    static void compiler() {
        compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a Java compiler: run the tests on a JDK, not a JRE").isNotNull();
        files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void closeFiles() throws IOException {
        if (files != null) {
            files.close();
        }
    }

    @Test
    void theDocumentationHasJavaBlocks() {
        assertThat(javaBlocks()).as("```java blocks in README.md and docs/*.md").isNotEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() {
        List<MarkdownFile.CodeBlock> blocks = javaBlocks();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            MarkdownFile.CodeBlock block = blocks.get(i);
            JavaSnippet snippet = JavaSnippet.of(block, i);
            tests.add(DynamicTest.dynamicTest(block.location() + (snippet.isFragment() ? " (fragment)" : ""),
                    () -> compile(block, snippet)));
        }
        return tests.stream();
    }

    private static List<MarkdownFile.CodeBlock> javaBlocks() {
        return DocFiles.markdownFiles().stream()
                .map(MarkdownFile::read)
                .flatMap(file -> file.codeBlocks().stream())
                .filter(block -> block.language().equals("java"))
                .toList();
    }

    private static void compile(MarkdownFile.CodeBlock block, JavaSnippet snippet) {
        List<String> options = new ArrayList<>(OPTIONS_BEFORE_CLASS_PATH);
        options.addAll(List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString()));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled = compiler.getTask(null, files, diagnostics, options, null, List.of(new Source(snippet))).call();
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
                    || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
                problems.add(describe(block, snippet, d));
            }
        }
        if (!compiled || !problems.isEmpty()) {
            throw new AssertionError("The ```java block at " + block.location() + " does not compile"
                    + (snippet.isFragment() ? " (a fragment: see the convention in docs/testing.md)" : "") + ":\n"
                    + String.join("\n", problems) + "\n--- compiled as ---\n" + numbered(snippet.source()));
        }
    }

    private static String describe(MarkdownFile.CodeBlock block, JavaSnippet snippet,
            Diagnostic<? extends JavaFileObject> d) {
        String where;
        if (d.getSource() == null) {
            where = block.location();
        } else {
            int line = snippet.markdownLine(d.getLineNumber());
            where = line > 0 ? block.file().display() + ":" + line
                    : block.location() + " (line " + d.getLineNumber() + " of the wrapper, below)";
        }
        return where + ": " + d.getKind().toString().toLowerCase(Locale.ROOT) + ": " + d.getMessage(Locale.ROOT);
    }

    private static String numbered(String source) {
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length - 1; i++) {
            out.append(String.format(Locale.ROOT, "%4d  %s%n", i + 1, lines[i]));
        }
        return out.toString();
    }

    /** A snippet's source, in memory, named after its class so that javac accepts a public type. */
    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(JavaSnippet snippet) {
            super(URI.create("string:///" + snippet.className() + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = snippet.source();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}

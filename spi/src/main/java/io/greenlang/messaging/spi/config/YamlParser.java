package io.greenlang.messaging.spi.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.greenlang.messaging.ConfigurationException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Parses one YAML document into {@link YamlNode}s. A duplicate key or a second document is an error. Syntax errors
 * name the line and column but never quote the document, which may hold a password.
 *
 * <p>Thread-safe and stateless.
 */
final class YamlParser {
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private YamlParser() {
    }

    /**
     * The document's root node, or {@code null} if the document is empty.
     *
     * @param source what the document is, to begin error messages: the file, or "YAML configuration"
     * @throws ConfigurationException if the text is not one valid YAML document
     */
    static YamlNode parse(String source, String yaml) {
        try (JsonParser p = YAML.createParser(yaml)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            YamlNode root = readNode(p);
            if (p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new ConfigurationException(source + ": the file holds more than one YAML document (another "
                        + "starts at line " + at.getLineNr() + "). Keep only the broker configuration's document.");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(source, e);
        } catch (IOException e) {
            throw new ConfigurationException(source + ": cannot be parsed (" + e.getClass().getSimpleName()
                    + ").", e);
        }
    }

    private static YamlNode readNode(JsonParser p) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, String> keyPositions = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    keyPositions.put(name, YamlNode.position(keyAt.getLineNr(), keyAt.getColumnNr()));
                    p.nextToken();
                    entries.put(name, readNode(p));
                }
                return new YamlNode(YamlNode.Kind.MAPPING, null, entries, keyPositions, at);
            }
            case START_ARRAY:
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    readNode(p);
                }
                return new YamlNode(YamlNode.Kind.SEQUENCE, null, null, null, at);
            case VALUE_NULL:
                return new YamlNode(YamlNode.Kind.NULL, null, null, null, at);
            default:
                return new YamlNode(YamlNode.Kind.SCALAR, p.getText(), null, null, at);
        }
    }

    private static ConfigurationException syntaxError(String source, JsonProcessingException e) {
        // snakeyaml's own message quotes the offending line, which may hold a password: use its parts.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException) {
                MarkedYAMLException y = (MarkedYAMLException) t;
                Mark mark = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
                String where = mark == null ? ""
                        : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
                String what = y.getContext() == null ? y.getProblem()
                        : y.getContext() + ": " + y.getProblem();
                return new ConfigurationException(source + ": invalid YAML" + where + ": " + what
                        + ". Fix the YAML there (check indentation, colons and quotes).");
            }
        }
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 1 ? ""
                : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String what = firstLine(e.getOriginalMessage());
        if (what.startsWith("Duplicate field")) {
            return new ConfigurationException(source + ": invalid YAML" + where + ": "
                    + what.replace("Duplicate field", "duplicate key")
                    + ". Keep one of the two definitions.");
        }
        return new ConfigurationException(source + ": invalid YAML" + where + ": " + what
                + ". Fix the YAML there.");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable document";
        }
        int newline = s.indexOf('\n');
        return newline < 0 ? s : s.substring(0, newline);
    }
}

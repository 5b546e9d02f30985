package io.greenlang.messaging.spi.config;

import com.fasterxml.jackson.core.JsonLocation;
import java.util.Map;

/**
 * A parsed YAML node with its position: {@code text} for a scalar (as written, without YAML's type conversion),
 * {@code entries} for a mapping, in document order. A list keeps only its kind and position, since no value of a
 * broker configuration is a list. Built by {@link YamlParser}; not changed afterwards.
 */
final class YamlNode {
    enum Kind {
        MAPPING, SEQUENCE, SCALAR, NULL
    }

    final Kind kind;
    final String text;
    final Map<String, YamlNode> entries;
    /** Where each key of a mapping is written, as {@link #at()} says it. */
    final Map<String, String> keyPositions;
    final int line;
    final int column;

    YamlNode(Kind kind, String text, Map<String, YamlNode> entries, Map<String, String> keyPositions,
            JsonLocation location) {
        this.kind = kind;
        this.text = text;
        this.entries = entries;
        this.keyPositions = keyPositions;
        this.line = location.getLineNr();
        this.column = location.getColumnNr();
    }

    /** The node's position for an error message: {@code (line 3, column 5)}. */
    String at() {
        return position(line, column);
    }

    static String position(int line, int column) {
        return "(line " + line + ", column " + column + ")";
    }

    /** What the node is, for an error message: "a mapping", "a list", "null" or "a scalar". */
    String describe() {
        switch (kind) {
            case MAPPING:
                return "a mapping";
            case SEQUENCE:
                return "a list";
            case NULL:
                return "null";
            default:
                return "a scalar";
        }
    }
}

package io.greenlang.messaging;

import java.util.Objects;

/**
 * Validation of topic and group names, shared by every backend so that a bad name fails the same way
 * everywhere, before any I/O.
 */
public final class Names {
    /** The longest allowed topic or group name; Kafka's limit, so a name valid here is valid everywhere. */
    public static final int MAX_LENGTH = 249;

    private static final boolean[] ALLOWED = new boolean[128];
    /** The last name found valid; compared by identity, since strings are immutable. */
    private static volatile String lastValid;

    static {
        for (char c = 0; c < 128; c++) {
            ALLOWED[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
        }
    }

    private Names() {
    }

    /**
     * Returns {@code topic} when it is a valid topic name.
     *
     * @throws IllegalArgumentException if it is empty, longer than {@value #MAX_LENGTH} characters or has a
     *     character outside {@code [A-Za-z0-9._-]}
     */
    public static String requireValidTopic(String topic) {
        return requireValid("topic", topic);
    }

    /** Returns {@code group} when it is a valid group name; the rules are those of topics. */
    public static String requireValidGroup(String group) {
        return requireValid("group", group);
    }

    /** Returns {@code name} when it is a valid consumer name; the rules are those of topics. */
    public static String requireValidConsumerName(String name) {
        return requireValid("consumer", name);
    }

    /** Returns whether {@code name} is a valid topic or group name. */
    public static boolean isValid(String name) {
        return name != null && problem(name) == null;
    }

    private static String requireValid(String kind, String name) {
        Objects.requireNonNull(name, kind);
        if (name == lastValid) {
            return name; // every message is checked, and most come with the same few topic strings
        }
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("Invalid " + kind + " name '" + printable(name) + "': " + problem
                    + ". Use 1 to " + MAX_LENGTH + " characters from [A-Za-z0-9._-].");
        }
        lastValid = name;
        return name;
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "it has " + name.length() + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= ALLOWED.length || !ALLOWED[c]) {
                return "character '" + c + "' at index " + i + " is not allowed";
            }
        }
        return null;
    }

    private static String printable(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "...";
    }
}

package io.greenlang.messaging;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads the typed values of {@link BrokerConfig} options: integers, booleans and sizes (durations are
 * {@link Durations}'). Each returns empty for a value that is not of its type; the caller reports it.
 */
final class OptionValues {
    private static final String[] SIZE_UNITS = {"gib", "mib", "kib", "b"};
    private static final long[] SIZE_UNIT_BYTES = {1L << 30, 1L << 20, 1L << 10, 1};

    private OptionValues() {
    }

    /** A decimal integer, surrounding white space ignored. */
    static OptionalInt integer(String value) {
        try {
            return OptionalInt.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** {@code true} or {@code false} in any case, surrounding white space ignored. */
    static Optional<Boolean> bool(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return Optional.of(true);
            case "false":
                return Optional.of(false);
            default:
                return Optional.empty();
        }
    }

    /** A positive number of bytes, optionally with {@code B}, {@code KiB}, {@code MiB} or {@code GiB} in any case. */
    static OptionalLong size(String value) {
        String s = value.trim();
        long unit = 1;
        String lower = s.toLowerCase(Locale.ROOT);
        for (int i = 0; i < SIZE_UNITS.length; i++) { // "b" last: every other unit ends with it
            if (lower.endsWith(SIZE_UNITS[i])) {
                unit = SIZE_UNIT_BYTES[i];
                s = s.substring(0, s.length() - SIZE_UNITS[i].length()).trim();
                break;
            }
        }
        try {
            long size = Math.multiplyExact(Long.parseLong(s), unit);
            return size > 0 ? OptionalLong.of(size) : OptionalLong.empty();
        } catch (NumberFormatException | ArithmeticException e) {
            return OptionalLong.empty();
        }
    }
}

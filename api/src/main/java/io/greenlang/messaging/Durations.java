package io.greenlang.messaging;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The duration syntax of options and of the command line: a whole number with a unit ({@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 12h}, {@code 7d}) or ISO-8601 ({@code PT30S}); and the same form for messages, so that a
 * duration a message shows can be given back as an option.
 */
public final class Durations {
    private static final String[] UNITS = {"d", "h", "m", "s", "ms"};
    private static final long[] UNIT_MILLIS = {86_400_000, 3_600_000, 60_000, 1000, 1};

    private Durations() {
    }

    /**
     * Parses {@code text}, surrounding white space ignored.
     *
     * @return the duration, or empty if {@code text} is not one or is negative
     */
    public static Optional<Duration> parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p') {
            try {
                return Optional.of(Duration.parse(s)).filter(d -> !d.isNegative());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        for (int i = UNITS.length - 1; i >= 0; i--) { // ms before m and s
            String unit = UNITS[i];
            if (s.endsWith(unit) && !(unit.equals("s") && s.endsWith("ms"))) {
                String number = s.substring(0, s.length() - unit.length()).strip();
                if (number.isEmpty() || !number.chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Duration.ofMillis(Math.multiplyExact(Long.parseLong(number), UNIT_MILLIS[i])));
                } catch (NumberFormatException | ArithmeticException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@code duration} in the largest unit that holds it exactly: {@code 30s}, {@code 90s}, {@code 1500ms},
     * {@code 2h}, {@code 0s}; ISO-8601 for what is not whole milliseconds or is negative.
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis;
        try {
            millis = duration.toMillis();
        } catch (ArithmeticException e) {
            return duration.toString();
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (millis % UNIT_MILLIS[i] == 0) {
                return millis / UNIT_MILLIS[i] + UNITS[i];
            }
        }
        return duration.toString(); // not reached: every whole number of milliseconds is a multiple of 1 ms
    }
}

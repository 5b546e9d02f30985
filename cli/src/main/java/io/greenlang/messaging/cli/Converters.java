package io.greenlang.messaging.cli;

import io.greenlang.messaging.StartPosition;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option value converters. */
final class Converters {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Converters() {
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE_DURATION.matcher(v);
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    switch (m.group(2)) {
                        case "ms":
                            return Duration.ofMillis(n);
                        case "s":
                            return Duration.ofSeconds(n);
                        case "m":
                            return Duration.ofMinutes(n);
                        case "h":
                            return Duration.ofHours(n);
                        default:
                            return Duration.ofDays(n);
                    }
                }
                if (v.startsWith("p")) {
                    Duration d = Duration.parse(v.toUpperCase(Locale.ROOT));
                    if (!d.isNegative()) {
                        return d;
                    }
                }
            } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a duration; write it as 500ms, 30s, 5m, 2h, 1d "
                    + "or PT30S");
        }
    }

    /** {@code earliest} or {@code latest}, in any case. */
    static final class StartConverter implements ITypeConverter<StartPosition> {
        @Override
        public StartPosition convert(String value) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "earliest":
                    return StartPosition.EARLIEST;
                case "latest":
                    return StartPosition.LATEST;
                default:
                    throw new TypeConversionException("'" + value + "' is not a start position; expected earliest or "
                            + "latest");
            }
        }
    }
}

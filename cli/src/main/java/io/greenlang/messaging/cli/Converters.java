package io.greenlang.messaging.cli;

import io.greenlang.messaging.Durations;
import io.greenlang.messaging.StartPosition;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option value converters. */
final class Converters {
    private Converters() {
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 {@code PT30S}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value).orElseThrow(() -> new TypeConversionException("'" + value
                    + "' is not a duration; write it as 500ms, 30s, 5m, 2h, 1d or PT30S"));
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

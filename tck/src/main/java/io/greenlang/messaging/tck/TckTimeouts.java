package io.greenlang.messaging.tck;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Every deadline the TCK waits for, in one place, multiplied by one factor so that a slow machine can
 * stretch them all: system property {@value #FACTOR_PROPERTY} or, if absent, environment variable
 * {@value #FACTOR_ENV}; default 1. For example {@code mvn test -Dgreenlang.tck.timeout.factor=3}.
 *
 * <p>The base deadlines are generous for a busy two-core machine. They bound how long the TCK waits for
 * something that should happen; a correct backend is never slowed down by them, because every wait ends
 * as soon as its condition holds. The only waits that always last their full length are the few
 * "nothing happens during ..." windows ({@link #quietPeriod(Duration)}), used only where no marker
 * message can prove an absence.
 *
 * <p>Immutable and thread-safe.
 */
public final class TckTimeouts {
    /** The system property that holds the factor. */
    public static final String FACTOR_PROPERTY = "greenlang.tck.timeout.factor";
    /** The environment variable that holds the factor when the system property is absent. */
    public static final String FACTOR_ENV = "GREENLANG_TCK_TIMEOUT_FACTOR";

    /** Base deadline for something that should happen soon: a delivery, a dead letter, a counter. */
    public static final Duration EVENTUALLY = Duration.ofSeconds(10);
    /** Base deadline for bulk work: thousands of messages published and handled. */
    public static final Duration BULK = Duration.ofSeconds(60);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private final double factor;

    /**
     * Timeouts with an explicit factor.
     *
     * @throws IllegalArgumentException if {@code factor} is not a positive finite number
     */
    public TckTimeouts(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("The TCK timeout factor must be a positive number, was " + factor);
        }
        this.factor = factor;
    }

    /**
     * Reads the factor from {@value #FACTOR_PROPERTY} or {@value #FACTOR_ENV}.
     *
     * @throws IllegalArgumentException if the value set is not a positive number
     */
    public static TckTimeouts fromEnvironment() {
        return from(System::getProperty, System::getenv);
    }

    static TckTimeouts from(Function<String, String> properties, Function<String, String> environment) {
        String source = FACTOR_PROPERTY;
        String value = properties.apply(FACTOR_PROPERTY);
        if (value == null || value.isBlank()) {
            source = FACTOR_ENV;
            value = environment.apply(FACTOR_ENV);
        }
        if (value == null || value.isBlank()) {
            return new TckTimeouts(1);
        }
        try {
            return new TckTimeouts(Double.parseDouble(value.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is '" + value + "'; expected a positive number such as "
                    + "1, 2 or 2.5 that multiplies every TCK deadline.", e);
        }
    }

    public double factor() {
        return factor;
    }

    /** {@code base} multiplied by the factor. */
    public Duration scaled(Duration base) {
        Objects.requireNonNull(base, "base");
        return Duration.ofNanos((long) Math.ceil(base.toNanos() * factor));
    }

    /** How long to wait for something that should happen soon: {@link #EVENTUALLY}, scaled. */
    public Duration eventually() {
        return scaled(EVENTUALLY);
    }

    /** How long to wait for bulk work: {@link #BULK}, scaled. */
    public Duration bulk() {
        return scaled(BULK);
    }

    /**
     * A wait for a condition that should hold soon; polls every 10 ms and fails after {@link #eventually()}
     * with {@code what} in the message.
     */
    public ConditionFactory await(String what) {
        return await(what, eventually());
    }

    /** A wait for bulk work; fails after {@link #bulk()}. */
    public ConditionFactory awaitBulk(String what) {
        return await(what, bulk());
    }

    /**
     * A wait that succeeds only if its condition holds for the whole of {@code base} scaled, and never for less than
     * {@code base}: for the rare "this does not happen" checks that no marker message can prove. A factor below 1
     * shortens deadlines, not observation: a window that must outlast a lease would otherwise end before it.
     */
    public ConditionFactory quietPeriod(String what, Duration base) {
        Duration scaled = scaled(base);
        Duration window = scaled.compareTo(base) < 0 ? base : scaled;
        return Awaitility.await(what)
                .during(window)
                .atMost(window.plus(eventually()))
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL);
    }

    private static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what)
                .atMost(atMost)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TckTimeouts{factor=%s, eventually=%s, bulk=%s}", factor, eventually(),
                bulk());
    }
}

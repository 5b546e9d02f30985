package io.greenlang.messaging.spi.codec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The decimal the provenance hash writes for a binary floating-point value (see
 * {@link io.greenlang.messaging.spi.provenance.Provenance}), which the JSON codec writes too, so that a value
 * hashes the same whichever codec carried it: the decimal with the fewest significant digits (1 to 17 for a
 * double, 1 to 9 for a float) obtained by rounding the value's exact binary value half-even that reads back as
 * the same value. {@link Double#toString} is not always that: it writes {@code 4.9E-324} for
 * {@link Double#MIN_VALUE} (the rule gives {@code 5E-324}), and before Java 19 sometimes one digit too many.
 *
 * <p>Thread-safe and stateless.
 */
public final class ShortestDecimal {
    /**
     * Every decimal of at most this many significant digits reads back from a normal double as itself (C's
     * {@code DBL_DIG}), so two such decimals never read as the same double. A {@link Double#toString} that short
     * is therefore the shortest decimal: no shorter one reads back as the value, and the rounding to its length
     * is itself. This spares the search for nearly every value people write.
     */
    private static final int DOUBLE_DIGITS = 15;
    /** As {@link #DOUBLE_DIGITS}, for floats ({@code FLT_DIG}). */
    private static final int FLOAT_DIGITS = 6;

    private ShortestDecimal() {
    }

    /**
     * {@link Double#toString}{@code (d)} when it is surely the shortest decimal of {@code d}, as {@link #of(double)}
     * gives it; {@code null} when it may not be (NaN and infinities included).
     */
    public static String toStringIfShortest(double d) {
        if (!Double.isFinite(d) || Math.abs(d) < Double.MIN_NORMAL) {
            return null;
        }
        String text = Double.toString(d);
        return significantDigits(text) <= DOUBLE_DIGITS ? text : null;
    }

    /** The significant digits of a {@link Double#toString} or {@link Float#toString}, without leading or trailing zeros. */
    private static int significantDigits(String text) {
        int first = -1;
        int last = -1;
        int count = 0; // digits from the first non-zero one
        int countAtLast = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'E') {
                break;
            }
            if (c >= '0' && c <= '9') {
                if (first < 0 && c != '0') {
                    first = i;
                }
                if (first >= 0) {
                    count++;
                    if (c != '0') {
                        last = i;
                        countAtLast = count;
                    }
                }
            }
        }
        return last < 0 ? 0 : countAtLast;
    }

    /**
     * The shortest decimal of {@code d}; zero (either sign) is {@link BigDecimal#ZERO}.
     *
     * @throws IllegalArgumentException if {@code d} is NaN or infinite
     */
    public static BigDecimal of(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(d + " has no decimal form");
        }
        if (d == 0) {
            return BigDecimal.ZERO;
        }
        String text = Double.toString(d);
        if (Math.abs(d) >= Double.MIN_NORMAL && significantDigits(text) <= DOUBLE_DIGITS) {
            return new BigDecimal(text);
        }
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == d) {
                return rounded;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    /**
     * As {@link #of(double)}, for a single-precision value (1 to 9 digits).
     *
     * @throws IllegalArgumentException if {@code f} is NaN or infinite
     */
    public static BigDecimal of(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            throw new IllegalArgumentException(f + " has no decimal form");
        }
        if (f == 0) {
            return BigDecimal.ZERO;
        }
        String text = Float.toString(f);
        if (Math.abs(f) >= Float.MIN_NORMAL && significantDigits(text) <= FLOAT_DIGITS) {
            return new BigDecimal(text);
        }
        BigDecimal exact = new BigDecimal(f);
        for (int digits = 1; digits < 9; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.floatValue() == f) {
                return rounded;
            }
        }
        return exact.round(new MathContext(9, RoundingMode.HALF_EVEN));
    }
}

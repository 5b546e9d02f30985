package io.greenlang.messaging.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShortestDecimalTest {
    @Test
    void isTheFullSearchForRandomDoublesAndFloats() {
        Random random = new Random(42L);
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextInt(100_000) / 100.0;
                case 2 -> Math.scalb(random.nextDouble(), random.nextInt(2100) - 1100);
                default -> Double.MIN_VALUE * random.nextInt(1000);
            };
            if (Double.isFinite(d)) {
                assertThat(ShortestDecimal.of(d)).as("%s", d).isEqualByComparingTo(search(new BigDecimal(d), d, 17));
            }
            float f = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : random.nextInt(100_000) / 100f;
            if (Float.isFinite(f)) {
                assertThat(ShortestDecimal.of(f)).as("%sf", f).isEqualByComparingTo(search(new BigDecimal(f), f, 9));
            }
        }
    }

    @Test
    void correctsToStringWhereItIsNotTheShortest() {
        assertThat(ShortestDecimal.of(Double.MIN_VALUE)).isEqualByComparingTo("5E-324"); // toString: 4.9E-324
        assertThat(ShortestDecimal.of(3.79322134594611300E17)).isEqualByComparingTo("3.793221345946113E17");
        assertThat(ShortestDecimal.of(-0.0)).isEqualByComparingTo("0");
        assertThat(ShortestDecimal.toStringIfShortest(0.1)).isEqualTo("0.1");
        assertThat(ShortestDecimal.toStringIfShortest(1e300)).isEqualTo("1.0E300");
        assertThat(ShortestDecimal.toStringIfShortest(Double.MIN_VALUE)).isNull();
        assertThat(ShortestDecimal.toStringIfShortest(Double.NaN)).isNull();
        assertThatThrownBy(() -> ShortestDecimal.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The rule as documented, digit count by digit count. */
    private static BigDecimal search(BigDecimal exact, double value, int maxDigits) {
        if (value == 0) {
            return BigDecimal.ZERO;
        }
        for (int digits = 1; digits < maxDigits; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (maxDigits == 17 ? rounded.doubleValue() == value : rounded.floatValue() == (float) value) {
                return rounded;
            }
        }
        return exact.round(new MathContext(maxDigits, RoundingMode.HALF_EVEN));
    }
}

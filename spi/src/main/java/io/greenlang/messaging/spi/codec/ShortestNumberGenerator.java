package io.greenlang.messaging.spi.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDecorator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Makes the JSON codec write doubles and floats as their {@link ShortestDecimal}, still as JSON floats
 * ({@code 1.0}, {@code 0.1}, {@code 5E-324}), so that their text is the value the MessagePack codec's binary
 * float stands for in the provenance hash. NaN and infinities are left to Jackson.
 */
final class ShortestNumberGenerator extends JsonGeneratorDelegate {
    static final JsonGeneratorDecorator DECORATOR = new JsonGeneratorDecorator() {
        @Override
        public JsonGenerator decorate(JsonFactory factory, JsonGenerator generator) {
            return new ShortestNumberGenerator(generator);
        }
    };

    private ShortestNumberGenerator(JsonGenerator delegate) {
        super(delegate, true);
    }

    @Override
    public void writeNumber(double v) throws IOException {
        if (!Double.isFinite(v)) {
            super.writeNumber(v);
        } else if (v == 0) {
            super.writeNumber(v); // 0.0 or -0.0
        } else {
            String text = ShortestDecimal.toStringIfShortest(v);
            super.writeNumber(text != null ? text : asFloatToken(ShortestDecimal.of(v)));
        }
    }

    @Override
    public void writeNumber(float v) throws IOException {
        if (!Float.isFinite(v)) {
            super.writeNumber(v);
        } else {
            super.writeNumber(asFloatToken(ShortestDecimal.of(v)));
        }
    }

    /** {@code value} as a JSON number that reads as a float: {@code 3.0}, not {@code 3}. */
    private static String asFloatToken(BigDecimal value) {
        String text = value.toString();
        return text.indexOf('.') >= 0 || text.indexOf('E') >= 0 ? text : text + ".0";
    }
}
